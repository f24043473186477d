import ArgumentParser
import Foundation
import Mongo
import PreflightCore

@main
struct Preflight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Test the data layer of a MongoDB application before it ships.",
        discussion: """
            Preflight runs JSON scenario files against a live MongoDB (--uri) or a scratch \
            server it starts itself, and reports in JUnit XML.

            Exit codes: 0 everything passed; 1 a test failed (NO-GO); 2 an input file is \
            invalid (nothing was run); 3 the environment failed (no server, a server that \
            stopped answering, scratch server would not start, report not writable); 64 \
            command-line usage; 130 or 143 interrupted by Ctrl-C or SIGTERM (the reports \
            hold what finished).
            """,
        version: PreflightVersion.current,
        subcommands: [InitCommand.self, RunCommand.self, CheckCommand.self, CompatCommand.self, MigrateCommand.self, GateCommand.self, CaptureCommand.self, ScratchCommand.self, SandboxesCommand.self]
    )

    static func main() {
        // A closed pipe (`preflight run | head`) must not kill a run before it drops its
        // sandboxes; writes to it fail quietly instead (see StandardStream).
        signal(SIGPIPE, SIG_IGN)
        // Every connection string on the command line (--uri, --sample-from, --copy-from),
        // before anything can quote one: its password is masked in all that is printed.
        for argument in CommandLine.arguments where argument.contains("://") {
            SecretValues.shared.addCredentials(of: argument)
        }
        if let problem = unknownHelpTopic(Array(CommandLine.arguments.dropFirst())) {
            Console.standardError(problem)
            leave(PreflightExitCode.usage.rawValue)
        }
        let status: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            status = 0
        } catch {
            // What ArgumentParser's own `exit(withError:)` prints: help and the version on
            // standard output, errors on standard error.
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { print(message) } else { Console.standardError(message) }
            }
            status = code.rawValue
        }
        leave(status)
    }

    /// `preflight help NAME` for a command that does not exist: ArgumentParser shows the
    /// main help and exits 0, so a misspelt command in a script would pass unnoticed.
    private static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.count >= 2, arguments[0] == "help", !arguments[1].hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(arguments[1]) else { return nil }
        let nearest = NearestName.suggestion(for: arguments[1], among: names).map { "; did you mean \"\($0)\"?" } ?? "."
        return "preflight has no command \"\(arguments[1])\"\(nearest) Its commands: \(names.joined(separator: ", "))."
    }

    /// Ends the process once everything it owes is done: the reports are written and
    /// flushed, the sandboxes dropped, the scratch server stopped, and each server told its
    /// sessions are over. What is left, libmongoc's monitor threads noticing they may
    /// stop (up to half a second each, see `PoolClosing`) and freeing memory, the
    /// process's end does at once; `_exit` skips the exit handlers that would wait for it.
    private static func leave(_ status: Int32) -> Never {
        // Swift's `print` goes through C's buffered standard output; fflush(NULL) flushes
        // every stream.
        fflush(nil)
        LibmongocExit.releaseCounters()
        _exit(status)
    }
}
