import Foundation
import Mongo

/// A throwaway MongoDB server on 127.0.0.1 in a fresh temporary directory, gone (process
/// and directory) when `stop()` is called, when Preflight is interrupted, and when
/// Preflight dies. `ScratchRegistry` holds every server until it is stopped.
public final class ScratchServer: @unchecked Sendable {
    // @unchecked: `port` is set once, before `start` returns; `stopped` is guarded by `lock`.
    public let flavor: ScratchFlavor
    /// A standalone, or a one-member replica set.
    public let topology: ScratchTopology
    /// The port on 127.0.0.1: chosen beforehand for mongod, read from SecantusDB's log.
    public private(set) var port: Int
    /// `mongodb://127.0.0.1:PORT/?directConnection=true`
    public var uri: String { "mongodb://127.0.0.1:\(port)/?directConnection=true" }
    /// The temporary directory holding the server's data; removed when it stops.
    public let directory: String
    /// The server's command line, for reports.
    public let commandLine: String

    private let supervisor: Process
    private let log: ServerLog
    private let lock = NSLock()
    private var stopped = false

    private init(
        flavor: ScratchFlavor, topology: ScratchTopology, port: Int, directory: String, commandLine: String,
        supervisor: Process, log: ServerLog
    ) {
        self.flavor = flavor
        self.topology = topology
        self.port = port
        self.directory = directory
        self.commandLine = commandLine
        self.supervisor = supervisor
        self.log = log
    }

    /// How long a run waits to select its scratch server. A selection waits only while the
    /// server is unknown: after a connection failed, until the next heartbeat finds it
    /// again (half a second on a local process), or for good when it died. A dead one
    /// then ends the run in seconds; the default of 30 s is for servers on a network.
    public static let serverSelectionTimeoutMS: Int32 = 3_000

    /// Starts a server and waits until it answers `ping` (and, for mongod, until its
    /// replica set has a writable primary).
    /// - Parameters:
    ///   - choice: which server (`--scratch`).
    ///   - topology: a standalone (the default, and the fastest), or a one-member replica
    ///     set for what needs one (see `ScratchTopology`).
    ///   - readinessTimeout: how long to wait for readiness before giving up.
    ///   - environment: where `PATH` and `PREFLIGHT_SECANTUSD` come from, and what the
    ///     server inherits (`serverEnvironment`).
    ///   - searchRoots: directories whose `.venv/bin` is searched for `secantusd-py`;
    ///     by default the working directory and those above Preflight's executable.
    /// - Throws: `ScratchError` when no server is found, or it exits or is late.
    public static func start(
        _ choice: ScratchChoice = .automatic, topology: ScratchTopology = .standalone, readinessTimeout: TimeInterval = 30,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        searchRoots: [String]? = nil
    ) throws -> ScratchServer {
        let flavor = try ScratchFlavor.locate(
            choice, environment: environment, searchRoots: searchRoots ?? defaultSearchRoots())
        let directory = try makeTemporaryDirectory()
        do {
            try flavor.prepare(directory: directory)
            let port = if case .mongod = flavor { try FreePort.find() } else { 0 }
            let arguments = [flavor.executable] + flavor.arguments(directory: directory, port: port, topology: topology)
            let server = try launch(
                flavor: flavor, topology: topology, arguments: arguments, directory: directory, port: port,
                environment: serverEnvironment(for: flavor, from: environment))
            ScratchRegistry.shared.add(server)
            do {
                try server.waitUntilReady(deadline: Date().addingTimeInterval(readinessTimeout))
            } catch {
                server.stop()
                throw error
            }
            return server
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    private static func launch(
        flavor: ScratchFlavor, topology: ScratchTopology, arguments: [String], directory: String, port: Int,
        environment: [String: String]
    ) throws
        -> ScratchServer
    {
        let commandLine = arguments.map(ChildProcess.shellQuoted).joined(separator: " ")
        let (executable, supervisorArguments) = ScratchSupervisor.commandLine(directory: directory, server: arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = supervisorArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        process.environment = environment
        let log = ServerLog()
        try SpawnThread.shared.run {
            do {
                try process.run()
            } catch {
                throw ScratchError.couldNotStart(commandLine: commandLine, reason: error.localizedDescription)
            }
        }
        // Only the child needs the write end; keeping it open here would hide the end of output.
        try? output.fileHandleForWriting.close()
        log.drain(output.fileHandleForReading)
        return ScratchServer(
            flavor: flavor, topology: topology, port: port, directory: directory, commandLine: commandLine, supervisor: process, log: log)
    }

    /// `environment`, and for SecantusDB one BLAS thread: it imports numpy (for its
    /// geospatial queries), whose OpenBLAS otherwise starts a thread per core and spends a
    /// fifth of the server's start-up CPU on them. A number the user chose for OpenBLAS
    /// (any of the three variables it reads) is kept.
    static func serverEnvironment(for flavor: ScratchFlavor, from environment: [String: String]) -> [String: String] {
        var environment = environment
        let chosen = ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"].contains { environment[$0] != nil }
        if case .secantus = flavor, !chosen {
            environment["OPENBLAS_NUM_THREADS"] = "1"
        }
        return environment
    }

    /// Stops the server and removes its directory; waits until both are gone. Idempotent.
    public func stop() {
        let alreadyStopped: Bool = lock.withLock {
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        ScratchRegistry.shared.remove(self)
        if supervisor.isRunning {
            supervisor.terminate()
        }
        let deadline = Date().addingTimeInterval(10)
        while supervisor.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        if supervisor.isRunning {
            // The supervisor should never hang; if it does, kill it and the server directly.
            if let pid = log.pid { kill(pid, SIGKILL) }
            kill(supervisor.processIdentifier, SIGKILL)
            supervisor.waitUntilExit()
        }
        log.waitForEnd(until: Date().addingTimeInterval(2))
        if FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The last 40 lines the server logged.
    public var logTail: [String] { log.tail }

    /// Whether the server (its supervisor) is still running.
    public var isRunning: Bool { supervisor.isRunning }
}

extension ScratchServer {
    private func waitUntilReady(deadline: Date) throws {
        let start = Date()
        if case .secantus = flavor {
            guard let reported = log.waitForPort(until: deadline) else {
                throw notReady(start: start, waitingFor: "its `listening on HOST:PORT` log line")
            }
            port = reported
        }
        let pool = try ConnectionPool(uri: uri + "&serverSelectionTimeoutMS=1000&connectTimeoutMS=1000")
        defer { pool.close() }
        while true {
            guard supervisor.isRunning else { throw notReady(start: start, waitingFor: "") }
            if (try? pool.withClient { try $0.runCommand(["ping": 1], on: "admin") }) != nil { break }
            guard Date() < deadline else { throw notReady(start: start, waitingFor: "a successful ping") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if case .mongod = flavor, topology == .replicaSet {
            try ReplicaSetInitiator(pool: pool, host: "127.0.0.1:\(port)").initiate(until: deadline) {
                self.notReady(start: start, waitingFor: "a writable primary")
            }
        }
    }

    /// The error for a server that exited or is late.
    private func notReady(start: Date, waitingFor: String) -> ScratchError {
        let elapsed = Date().timeIntervalSince(start)
        // The output ending means the server exited and the supervisor is cleaning up:
        // give it a moment so that the report has the exit status, not "still starting".
        log.waitForEnd(until: Date().addingTimeInterval(0.2))
        let exitDeadline = Date().addingTimeInterval(2)
        while log.isClosed && supervisor.isRunning && Date() < exitDeadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        if !supervisor.isRunning {
            return .exited(
                commandLine: commandLine, status: supervisor.terminationStatus, elapsed: elapsed,
                logTail: log.tail)
        }
        return .timedOut(commandLine: commandLine, waitingFor: waitingFor, elapsed: elapsed, logTail: log.tail)
    }

    private static func defaultSearchRoots() -> [String] {
        // Installed (`make install PREFIX=…`), the server is in PREFIX/lib/preflight/.venv.
        [FileManager.default.currentDirectoryPath] + installationDirectories().flatMap { [$0, $0 + "/lib/preflight"] }
    }

    /// Where what Preflight ships beside its binary is looked for: the binary's directory
    /// and the four above it. Built in a checkout, Preflight lives at
    /// .build/<config>/preflight, a few levels below the checkout; installed, at
    /// PREFIX/bin/preflight.
    public static func installationDirectories() -> [String] {
        var directories: [String] = []
        var directory = URL(fileURLWithPath: executablePath()).deletingLastPathComponent()
        for _ in 0..<5 {
            directories.append(directory.path)
            directory.deleteLastPathComponent()
        }
        return directories
    }

    /// The running binary's real path. argv[0] is only what the shell was given: a bare
    /// `preflight` found on PATH would be resolved against the working directory.
    static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().path
    }

    private static func makeTemporaryDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/preflight-scratch-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw ScratchError.couldNotStart(commandLine: "", reason: "could not create a temporary directory in \(base)")
        }
        // mkdtemp fills in the template itself.
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
