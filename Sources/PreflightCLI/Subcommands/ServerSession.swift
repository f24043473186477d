import Foundation
import Mongo
import PreflightCore

/// The server a run talks to — a live one, or a scratch one started for the run — and the
/// clean-up Ctrl-C owes it: the report of what finished, sandboxes dropped, scratch
/// server stopped.
final class ServerSession: @unchecked Sendable {
    // @unchecked: set once in `open`, read by the signal handler afterwards.
    let run: ScenarioRun
    let scratch: ScratchServer?
    let report: any ReportWriting
    /// The server's connection string, for work that opens pools of its own.
    let uri: String

    /// Why no run could start: exit 3.
    struct Failure: Error {
        let message: String
    }

    private init(run: ScenarioRun, scratch: ScratchServer?, report: any ReportWriting, uri: String) {
        self.uri = uri
        self.run = run
        self.scratch = scratch
        self.report = report
    }

    /// - Parameter topology: what a scratch server must be, and why when it is a replica
    ///   set (see `ScratchTopology.needed`); said on standard error when it is one.
    static func open(
        _ options: ServerOptions, options runOptions: RunOptions, report: any ReportWriting,
        topology: (ScratchTopology, reason: String?) = (.standalone, nil)
    ) throws -> ServerSession {
        // Installed before the scratch server starts, so no signal finds it unguarded.
        ScratchRegistry.shared.handleSignals { signalNumber in
            // The lanes still running would draw over what follows.
            ProgressLine.stopDrawing()
            Console.standardError("\nInterrupted: writing the report, dropping the sandbox databases and stopping.")
            if let session = current.value { session.interrupted(by: signalNumber) }
            ScratchRegistry.shared.stopAll()
            exit(128 + signalNumber)
        }
        var scratch: ScratchServer?
        let uri: String
        if let given = options.uri {
            uri = given
        } else {
            do {
                let server = try ScratchServer.start(
                    options.scratch.map(ScratchChoice.init(argument:)) ?? .automatic, topology: topology.0,
                    readinessTimeout: options.readinessTimeout)
                scratch = server
                if let reason = topology.reason {
                    Console.standardError("The scratch server is a one-member replica set: \(reason).")
                }
                uri = server.uri
            } catch {
                throw Failure(message: (error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        var runOptions = runOptions
        if let server = scratch {
            runOptions.serverIsUp = { server.isRunning }
            runOptions.onScratchServer = !runOptions.scratchHoldsSnapshot
        }
        options.timeout.apply()
        let run: ScenarioRun
        // A scratch server has a selection timeout of its own; a --uri the command line's.
        let selectionTimeoutMS = scratch == nil ? nil : ScratchServer.serverSelectionTimeoutMS
        let waiting = WaitingLine(
            what: "the server at \(URIRedaction.redact(uri))", limit: selectionTimeoutMS.map { Double($0) / 1000 } ?? options.timeout.seconds)
        do {
            defer { waiting.finish() }
            run = try ScenarioRun(uri: uri, options: runOptions, serverSelectionTimeoutMS: selectionTimeoutMS)
        } catch {
            scratch?.stop()
            let message = (error as? MongoError)?.message ?? "\(error)"
            throw Failure(message: "Cannot reach the server at \(URIRedaction.redact(uri)): \(message)")
        }
        // A live server may hold sandboxes of runs that were killed: said once, with the
        // command that removes them. A scratch server is new, and holds none.
        if scratch == nil, let notice = run.orphanNotice() {
            Console.standardError(notice)
        }
        let session = ServerSession(run: run, scratch: scratch, report: report, uri: uri)
        current.value = session
        return session
    }

    /// When the server went away during the run: what to say as it ends with exit 3. A
    /// scratch server that died is named with its last log lines; a server that stopped
    /// answering, with the error after which it did.
    func environmentFailure() -> String? {
        scratchDeath() ?? run.serverLoss
    }

    private func scratchDeath() -> String? {
        guard let scratch, !scratch.isRunning else { return nil }
        let tail = scratch.logTail.suffix(40).map { "  " + $0 }.joined(separator: "\n")
        return "The scratch server stopped during the run (\(scratch.commandLine)).\nThe last lines of its log:\n\(tail)"
    }

    private func interrupted(by signalNumber: Int32) {
        var suites = run.finishedSuites
        suites.append(.problem("interrupted", tests: [(
            "run", TestProblem(type: "interrupted", message: "The run was interrupted by signal \(signalNumber); the tests not listed here did not finish, and are not reported.")
        )]))
        report.write(suites)
        for problem in run.dropSandboxes() { Console.standardError(problem) }
    }

    func close() {
        Self.current.value = nil
        run.close()
        scratch?.stop()
    }

    /// The session the signal handler cleans up after.
    private static let current = Guarded<ServerSession?>(nil)
}
