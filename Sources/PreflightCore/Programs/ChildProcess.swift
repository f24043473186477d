import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program a scenario runs (`exec`, `services`), in a process group of its own under a
/// small shell that answers for it, with the scratch server's guarantee: nothing it
/// starts outlives Preflight, however Preflight ends.
///
/// - The group is the shell's: Preflight stops a program by signalling the whole group,
///   so what the program started itself (a worker, a `sh -c` pipeline) goes with it.
/// - The shell gets SIGTERM from the kernel when Preflight dies, `kill -9` included
///   (`setpriv --pdeathsig`, as for the scratch server). It then sends SIGTERM to the
///   group, and SIGKILL when the program has ended or 5 s have passed.
/// - The program's own exit status comes back through the shell's (128 + N for a
///   program killed by signal N, as shells say it).
/// - Spawned from `SpawnThread`, with every signal at its default and none blocked: the
///   parent-death signal follows the thread that forked, and a child inherits ignored
///   signals and its spawner's mask.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `status` is guarded by `lock`; the rest is set in `init`.
    /// The shell's pid, which is also the group's id.
    let pid: pid_t
    let commandLine: String
    let stdout: OutputCapture
    let stderr: OutputCapture
    /// A service's standard input, kept open and empty while it runs (an exec step's is
    /// written and closed by its writer); closed once the program is reaped.
    private let idleStdin: Int32?
    private let lock = NSLock()
    private var status: Int32?
    private let exited = DispatchSemaphore(value: 0)

    static let script = """
        cd -- "$1" || exit 127
        shift
        stop=""
        trap 'trap "" TERM HUP; stop=1; kill -TERM 0 2>/dev/null; (sleep 5; kill -KILL 0) >/dev/null 2>&1 </dev/null &' TERM HUP
        trap '' INT
        exec 3<&0
        "$@" <&3 3<&- &
        child=$!
        exec 3<&-
        while :; do
            wait "$child"; status=$?
            kill -0 "$child" 2>/dev/null || break
        done
        [ -n "$stop" ] && kill -KILL 0
        exit "$status"
        """

    enum SpawnError: Error, CustomStringConvertible {
        case failed(String)
        var description: String {
            switch self {
            case .failed(let reason): reason
            }
        }
    }

    /// Starts `arguments` (the program first, found on `PATH` as a shell finds it) in
    /// `directory` with exactly `environment`.
    /// - Parameters:
    ///   - stdin: written to the program's standard input, which is then closed; nil
    ///     leaves it open and empty until the program ends (a service).
    ///   - mergeOutput: standard error into the standard output capture (a service's log).
    init(
        _ arguments: [String], environment: [String: String], directory: String, stdin: [UInt8]?,
        mergeOutput: Bool = false, onLine: (@Sendable (String) -> Void)? = nil
    ) throws {
        commandLine = arguments.map(Self.shellQuoted).joined(separator: " ")
        stdout = OutputCapture(onLine: onLine)
        stderr = mergeOutput ? stdout : OutputCapture()
        let shell = ["/usr/bin/env", "--default-signal=TERM,HUP", "--", "/bin/sh", "-c", Self.script, "preflight-program", directory] + arguments
        let argv = FileManager.default.isExecutableFile(atPath: ScratchSupervisor.setpriv)
            ? [ScratchSupervisor.setpriv, "--pdeathsig", "TERM", "--"] + shell : shell
        let envp = environment.map { "\($0.key)=\($0.value)" }.sorted()
        // The pipes are made on the spawner thread, which starts every child Preflight
        // has: marked close-on-exec before any other child could inherit them.
        let (spawned, input, output, errors) = try SpawnThread.shared.run { () throws -> (pid_t, [Int32], [Int32], [Int32]) in
            var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
            guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
                throw SpawnError.failed("no pipes for the program's input and output: \(String(cString: strerror(errno)))")
            }
            (input + output + errors).forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
            do {
                let pid = try Self.spawn(argv, envp, stdin: input[0], stdout: output[1], stderr: mergeOutput ? output[1] : errors[1])
                return (pid, input, output, errors)
            } catch {
                (input + output + errors).forEach { close($0) }
                throw error
            }
        }
        close(input[0])
        close(output[1])
        close(errors[1])
        pid = spawned
        idleStdin = stdin == nil ? input[1] : nil
        stdout.drain(output[0])
        if mergeOutput { close(errors[0]) } else { stderr.drain(errors[0]) }
        if let stdin {
            // Written on a thread: a program that does not read its input must not block us.
            let descriptor = input[1]
            Thread.detachNewThread {
                var offset = 0
                while offset < stdin.count {
                    let written = stdin[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { break }
                    offset += written
                }
                close(descriptor)
            }
        }
        let reaper = Thread { [self] in reap() }
        reaper.name = "preflight-reaper"
        reaper.start()
        ProgramRegistry.shared.add(self)
    }

    private static func spawn(_ argv: [String], _ envp: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Nothing else Preflight holds open goes to the program: a descriptor it inherited
        // without close-on-exec (a CI runner's pipe, the end a parent watches to know
        // Preflight has exited) would otherwise be kept open by a service for as long as
        // it runs, and whoever waits on it would wait for the service too.
        _ = closeFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw SpawnError.failed("could not start \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc
    /// module does not import; nil where the C library lacks it.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Waits for the shell to exit without reaping it, so its pid (the group's id) cannot
    /// be given to another process while what is left of the group is killed; then reaps.
    private func reap() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        kill(-pid, SIGKILL)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let code = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        if let idleStdin { close(idleStdin) }
        lock.withLock { status = code }
        exited.signal()
        ProgramRegistry.shared.remove(self)
    }

    /// The exit status once the program has ended: its own, or 128 + the signal that ended it.
    var exitStatus: Int32? { lock.withLock { status } }

    /// Waits until the program ends or `deadline` passes; its status, or nil if still running.
    func wait(until deadline: Date) -> Int32? {
        if let status = exitStatus { return status }
        guard exited.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success else { return nil }
        exited.signal()
        return exitStatus
    }

    /// Stops the group: SIGTERM, then SIGKILL after `grace` seconds (at once when 0), and
    /// waits until the program has been reaped.
    func stop(grace: TimeInterval) {
        guard exitStatus == nil else { return }
        kill(-pid, grace > 0 ? SIGTERM : SIGKILL)
        if grace > 0, wait(until: Date().addingTimeInterval(grace)) != nil { return }
        kill(-pid, SIGKILL)
        _ = wait(until: Date().addingTimeInterval(10))
    }

    static func shellQuoted(_ argument: String) -> String {
        let safe = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        return safe ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Every program running now, so that Ctrl-C and SIGTERM stop them all before Preflight exits.
final class ProgramRegistry: Sendable {
    static let shared = ProgramRegistry()
    private let programs = LiveObjects<ChildProcess>()

    func add(_ program: ChildProcess) { programs.add(program) }

    func remove(_ program: ChildProcess) { programs.remove(program) }

    /// Stops every running program, each group with SIGTERM, then SIGKILL after 2 s.
    func stopAll() {
        let running = programs.all
        running.forEach { kill(-$0.pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        running.forEach { _ = $0.wait(until: deadline) }
        running.forEach { $0.stop(grace: 0) }
    }
}
