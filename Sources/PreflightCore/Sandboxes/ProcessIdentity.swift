import Foundation

/// A process as the kernel knows it: its machine, its pid namespace, its pid and the moment
/// it started. A pid alone is reused, and two containers may share a host name; with the
/// boot, the namespace and the start time it names one process for good, so whether the
/// run that made a sandbox is still alive has a sure answer from the same machine and
/// container.
public struct ProcessIdentity: Sendable, Equatable {
    /// The host name, for people.
    public var host: String
    /// `/proc/sys/kernel/random/boot_id`: this boot of this kernel.
    var bootID: String?
    /// The link `/proc/self/ns/pid` points to (`pid:[4026531836]`): every container on one
    /// kernel has its own, and a pid means something only inside it.
    var pidNamespace: String?
    public var pid: Int32
    /// Field 22 of `/proc/<pid>/stat`: clock ticks from boot to the process's start.
    var startTicks: Int64?

    /// This process.
    public static let current = ProcessIdentity(
        host: hostName(), bootID: read("/proc/sys/kernel/random/boot_id"), pidNamespace: link("/proc/self/ns/pid"),
        pid: getpid(), startTicks: startTicks(of: getpid()))

    /// Whether this process's pid can be looked up from here: the same boot of the same
    /// machine, in the same pid namespace. Unknown parts never match.
    var isLocal: Bool {
        let here = Self.current
        guard let bootID, let pidNamespace, startTicks != nil, here.startTicks != nil else { return false }
        return host == here.host && bootID == here.bootID && pidNamespace == here.pidNamespace
    }

    /// Whether the process still runs: nil when that cannot be told from here (another
    /// machine or container), and then only a lease can say.
    func isRunning() -> Bool? {
        guard isLocal, let startTicks else { return nil }
        // No such process, a zombie, or a new process that was given the same pid.
        guard let stat = Self.stat(of: pid), stat.state != "Z" else { return false }
        return stat.startTicks == startTicks
    }

    private static func startTicks(of pid: Int32) -> Int64? {
        stat(of: pid)?.startTicks
    }

    /// The state and start time from `/proc/<pid>/stat`. The command name, field 2, is in
    /// parentheses and may hold spaces and parentheses itself: fields are counted from the last `)`.
    private static func stat(of pid: Int32) -> (state: String, startTicks: Int64)? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state); field 22 is fields[19].
        guard fields.count > 19, let ticks = Int64(fields[19]) else { return nil }
        return (String(fields[0]), ticks)
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func link(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    /// `gethostname`, not `ProcessInfo.hostName`, which may wait on a DNS lookup.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
