import Foundation

/// The scratch server's output, read from a pipe on a thread of its own: the last lines
/// kept for error reports, and a wait for the line that announces the port.
///
/// The pipe is drained for as long as the server lives, so that a chatty server never
/// blocks on a full pipe.
final class ServerLog: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`.
    static let keptLines = 40

    private let condition = NSCondition()
    private var lines: [String] = []
    private var partial = Data()
    private var port: Int?
    private var serverPID: Int32?
    private var closed = false

    /// Starts draining `handle` until end of file.
    func drain(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.append(chunk)
            }
            self.condition.lock()
            if !self.partial.isEmpty { self.keep(String(decoding: self.partial, as: UTF8.self)) }
            self.closed = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.name = "preflight-scratch-log"
        thread.start()
    }

    private func append(_ chunk: Data) {
        condition.lock()
        defer { condition.unlock() }
        partial.append(chunk)
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            keep(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
        condition.broadcast()
    }

    /// Called with `condition` held.
    private func keep(_ line: String) {
        // The supervisor's own line is not the server's log: note the pid, keep it out of reports.
        if serverPID == nil, let pid = ScratchSupervisor.serverPID(fromLogLine: line) {
            serverPID = pid
            return
        }
        if port == nil { port = ScratchFlavor.port(fromLogLine: line) }
        lines.append(line)
        if lines.count > Self.keptLines { lines.removeFirst(lines.count - Self.keptLines) }
    }

    /// Whether the output has ended: the supervisor and the server have both exited or are exiting.
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// The server's process id, once the supervisor has reported it.
    var pid: Int32? {
        condition.lock()
        defer { condition.unlock() }
        return serverPID
    }

    /// The last 40 lines.
    var tail: [String] {
        condition.lock()
        defer { condition.unlock() }
        return lines
    }

    /// Waits until a log line names the port, the output ends, or `deadline` passes.
    func waitForPort(until deadline: Date) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while port == nil && !closed {
            if !condition.wait(until: deadline) { break }
        }
        return port
    }

    /// Waits, up to `deadline`, for the output to end (the server and supervisor exited).
    func waitForEnd(until deadline: Date) {
        condition.lock()
        defer { condition.unlock() }
        while !closed {
            if !condition.wait(until: deadline) { break }
        }
    }
}
