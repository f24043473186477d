import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files and report in JUnit XML.",
        discussion: """
            Every file is validated first (as `preflight check` does); any invalid file stops \
            the run with exit 2 before a single operation is sent.

            Without --uri, a scratch server is started for the run and removed afterwards. \
            With --uri, sandbox scenarios run in databases named pf_<run-id>_<n> that \
            Preflight creates, refuses to reuse, and drops at the end (unless \
            --keep-databases); nothing else on the server is written. Live scenarios \
            ("mode": "live") only read, from their `database` or --database.

            Each test starts from fresh fixtures in an empty sandbox. Fail points a test sets \
            are switched off when it ends. A server or connection error fails that test with \
            an error and the run goes on.

            Exit codes: 0 every test passed (skipped tests do not fail a run); 1 a test failed \
            or errored (NO-GO); 2 an input file is invalid, nothing was run; 3 the environment \
            failed (no server, scratch server would not start, report not writable); 64 usage, \
            including a --filter or --tag that selects no test.

            The scenario format is described, by example, in the README's "Scenario files"; \
            scenarios/schema/scenario.schema.json lets editors complete and check the files.

            Examples:
              preflight run scenarios/earlybird
              preflight run --uri "$STAGING_URI" --tag billing --var month=2026-01
              preflight run scenarios/billing.json --filter "billed exactly once" --verbose
            """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var serverOptions: ServerOptions
    @OptionGroup var reportOptions: ReportOptions

    @Option(help: ArgumentHelp("Run only tests whose file, scenario or test name contains this text (any case).", valueName: "text"))
    var filter: String?

    @Option(help: ArgumentHelp("Run only tests tagged so (on the scenario or the test). Repeatable: any of them.", valueName: "tag"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("The real database live scenarios read, instead of their own `database`.", valueName: "name"))
    var database: String?

    @Flag(help: "Stop at the first failed test; the tests not run are reported as skipped.")
    var failFast = false

    @Flag(help: "Keep the sandbox databases after the run, to look at what the tests left.")
    var keepDatabases = false

    func run() throws {
        let started = Date()
        let catalog = try scenarioOptions.catalog()
        guard !catalog.scenarios.isEmpty else {
            throw CommandFailure.exit("No scenario files in \(scenarioOptions.searchPaths.joined(separator: ", ")); nothing was run.", .invalidInput)
        }
        let selection = TestSelection(filter: filter, tags: tag).select(catalog.scenarios)
        guard !selection.isEmpty else {
            let tags = Set(catalog.scenarios.flatMap { $0.tags + $0.tests.flatMap(\.tags) }).sorted()
            throw CommandFailure.exit(
                "No test matches \([filter.map { "--filter \"\($0)\"" }, tag.isEmpty ? nil : "--tag " + tag.joined(separator: ", ")].compactMap { $0 }.joined(separator: " and ")) in \(catalog.scenarios.count) file\(catalog.scenarios.count == 1 ? "" : "s")"
                    + (tags.isEmpty ? "." : "; the tags in use: \(tags.joined(separator: ", ")).") + " Nothing was run.",
                .usage)
        }
        do {
            try JUnitReport.checkWritable(reportOptions.junit)
        } catch {
            throw CommandFailure.exit(error, .environment)
        }

        let server = try ServerSession.open(serverOptions, options: runOptions())
        defer { server.close() }
        let console = ConsoleReport(
            verbosity: reportOptions.verbosity, color: ConsoleReport.wantsColor(noColorFlag: reportOptions.noColor),
            progress: ConsoleReport.isTerminal)
        console.begin(total: selection.reduce(0) { $0 + $1.tests.count })
        let suites = server.run.run(selection, observer: console)

        let report = JUnitReport(suites: suites, extended: reportOptions.junitExtended)
        do {
            try report.write(to: reportOptions.junit)
        } catch {
            console.summary(suites, duration: Date().timeIntervalSince(started))
            throw CommandFailure.exit(error, .environment)
        }
        if reportOptions.verbosity != .quiet { ConsoleReport.standardOutput("JUnit report: \(reportOptions.junit)") }
        console.summary(suites, duration: Date().timeIntervalSince(started))
        if suites.contains(where: { $0.failures + $0.errors > 0 }) {
            throw ExitCode(PreflightExitCode.failed.rawValue)
        }
    }

    private func runOptions() throws -> RunOptions {
        var options = RunOptions()
        options.keepDatabases = keepDatabases
        options.failFast = failFast
        options.databaseOverride = database
        return options
    }
}

/// The server a run talks to — a live one, or a scratch one started for the run — and the
/// clean-up Ctrl-C owes it: sandboxes dropped, scratch server stopped.
final class ServerSession: @unchecked Sendable {
    // @unchecked: set once in `open`, read by the signal handler afterwards.
    let run: ScenarioRun
    let scratch: ScratchServer?

    private init(run: ScenarioRun, scratch: ScratchServer?) {
        self.run = run
        self.scratch = scratch
    }

    static func open(_ options: ServerOptions, options runOptions: RunOptions) throws -> ServerSession {
        // Installed before the scratch server starts, so no signal finds it unguarded;
        // once the run exists, a signal also drops its sandboxes.
        ScratchRegistry.shared.handleSignals { signalNumber in
            Console.standardError("\nInterrupted: dropping the sandbox databases and stopping.")
            for problem in Self.current.value?.run.dropSandboxes() ?? [] { Console.standardError(problem) }
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
                    options.scratch.map(ScratchChoice.init(argument:)) ?? .automatic, readinessTimeout: options.readinessTimeout)
                scratch = server
                uri = server.uri
            } catch {
                throw CommandFailure.exit(error, .environment)
            }
        }
        let run: ScenarioRun
        do {
            run = try ScenarioRun(uri: uri, options: runOptions)
        } catch {
            scratch?.stop()
            let message = (error as? MongoError)?.message ?? "\(error)"
            throw CommandFailure.exit("Cannot reach the server at \(URIRedaction.redact(uri)): \(message)", .environment)
        }
        let session = ServerSession(run: run, scratch: scratch)
        Self.current.value = session
        return session
    }

    func close() {
        Self.current.value = nil
        run.close()
        scratch?.stop()
    }

    /// The session the signal handler cleans up after.
    private static let current = Locked<ServerSession?>(nil)
}

/// A value shared with the signal-handling thread.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
