import ArgumentParser
import Foundation
import PreflightCore

struct ScratchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scratch",
        abstract: "Start a scratch MongoDB server, print its URI, and keep it up until Ctrl-C.",
        discussion: """
            The server listens on 127.0.0.1 only and keeps its data in a fresh temporary \
            directory. The URI is the first line on standard output, so a script can read it \
            while the server keeps running (bash):

              read -r uri < <(preflight scratch)

            Ctrl-C, SIGTERM, or Preflight dying in any way (even kill -9) stops the server and \
            removes its directory. mongod on PATH is used first, with test commands enabled; \
            otherwise SecantusDB: PREFLIGHT_SECANTUSD when set, then .venv/ (installed by \
            `make setup`), then PATH.

            The server is a standalone unless --replica-set is given. Transactions, and fail \
            points whose errors must carry a replica set's labels and retries, need the \
            replica set; a standalone is faster, and SecantusDB's replica set slows down as \
            writes accumulate (`preflight run` without --uri chooses by itself, from what the \
            files use).

            Exits 0 when stopped with Ctrl-C or SIGTERM, 3 when no server could be started \
            or the server died.
            """
    )

    @Option(
        name: .customLong("scratch"),
        help: ArgumentHelp(
            "Which server: mongod, secantus, or the path of a server binary.", valueName: "mongod|secantus|PATH"))
    var choice: String?

    @Flag(help: "Start a one-member replica set instead of a standalone (for transactions and change streams).")
    var replicaSet = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to wait for the server to answer ping.", valueName: "seconds"))
    var readinessTimeout: Double = 30

    func validate() throws {
        guard readinessTimeout > 0 else {
            throw ValidationError("--readiness-timeout must be a positive number of seconds.")
        }
    }

    func run() throws {
        // Ctrl-C is how this command is meant to end. The handler only wakes this thread,
        // which stops the server and returns: one thread decides how the process ends.
        let interrupted = DispatchSemaphore(value: 0)
        ScratchRegistry.shared.handleSignals { _ in interrupted.signal() }
        let server: ScratchServer
        do {
            server = try ScratchServer.start(
                choice.map(ScratchChoice.init(argument:)) ?? .automatic, topology: replicaSet ? .replicaSet : .standalone,
                readinessTimeout: readinessTimeout)
        } catch {
            throw CommandFailure.exit(error, .environment)
        }
        // Unbuffered, so a script reading the first line sees it at once.
        StandardStream.output(server.uri + "\n")
        Console.standardError("""
            Scratch server ready (\(server.topology.rawValue)): \(server.commandLine)
            Data directory: \(server.directory) (removed when the server stops)
            Press Ctrl-C to stop.
            """)
        while server.isRunning {
            if interrupted.wait(timeout: .now() + 0.2) == .success {
                server.stop()
                return
            }
        }
        // The supervisor is gone without being asked to stop: the server died under us.
        let tail = server.logTail.suffix(40).map { "  " + $0 }.joined(separator: "\n")
        server.stop()
        throw CommandFailure.exit(
            "The scratch server stopped unexpectedly.\nThe last lines of its log:\n\(tail)", .environment)
    }
}
