import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files and report in JUnit XML (and JSON or Markdown when asked).",
        discussion: """
            Every file is validated first (as `preflight check` does); any invalid file stops \
            the run with exit 2 before a single operation is sent. Folders are searched for \
            *.json; fixture data, JSON Schemas and Preflight's own --json reports found \
            there are set aside.

            Without --uri, a scratch server is started for the run and removed afterwards: \
            a standalone, or a one-member replica set when a file uses a transaction or a \
            fail point or requires a replica set (said on standard error). With --uri, \
            sandbox scenarios run in databases named pf_<run-id>_<n> that Preflight creates, \
            refuses to reuse, and drops at the end (unless --keep-databases). Before a sandbox is created its owner (run id, host, pid, \
            start, a lease renewed while the run lives) is recorded in the database \
            preflight_sandboxes, so that one a killed run leaves can be dropped with \
            `preflight sandboxes --prune`; a run prints one line when it sees such \
            sandboxes. Nothing else on the server is written. Live scenarios \
            ("mode": "live") only read, from their `database` or --database.

            Each test starts from fresh fixtures in an empty sandbox. Fail points a test sets \
            are switched off when it ends. A server or connection error fails that test with \
            an error and the run goes on, unless the server then fails a 2-second ping: the \
            rest of the run is reported as errors without being run, and the run exits 3.

            Reports: the JUnit XML report is always written (--junit, default \
            reports/junit.xml); --json PATH adds a JSON report with every suite, test and \
            top-level step, its timing, outcome and failure, and each test's commands; \
            --summary PATH adds a short Markdown summary (the GO / NO-GO verdict, a row per \
            file, the failures) for a CI step summary such as $GITHUB_STEP_SUMMARY. Each is \
            written atomically, from the same results, on every exit below, credentials \
            redacted.

            A live file also gets a test that the collections it reads hold documents: a \
            monitoring count over an empty or misnamed database reads as healthy. A file that \
            may read nothing says why with "allowEmpty": "…".

            Exit codes: 0 every test passed (skipped tests do not fail a run, unless \
            --fail-on-skip); 1 a test failed \
            or errored (NO-GO); 2 an input file is invalid, nothing was run; 3 the environment \
            failed (no server, a server that stopped answering, scratch server would not start, \
            report not writable); 64 usage, \
            including a --filter or --tag that selects no test.

            A scenario file, in short (the README's "Scenario files" has the whole format; \
            scenarios/schema/scenario.schema.json lets editors complete and check it):

              {"preflight": 1, "name": "Billing",
               "fixtures": {"orders": [{"_id": 1, "billed": false}]},
               "tests": [{"name": "billing marks the order",
                 "steps": [
                   {"updateMany": "orders", "filter": {"billed": false},
                    "update": {"$set": {"billed": true}}},
                   {"count": "orders", "filter": {"billed": true},
                    "expect": 1}]}]}

            Examples:
              preflight run scenarios/earlybird/phase-0.7 scenarios/earlybird/incidents
              preflight run --uri "$STAGING_URI" --tag billing --var month=2026-01
              preflight run scenarios/billing.json --filter "billed exactly once" --verbose
              preflight run scenarios/earlybird/phase-0.7 --jobs 2 --shard 1/3
              preflight run --json reports/run.json --summary "$GITHUB_STEP_SUMMARY"
            """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var serverOptions: ServerOptions
    @OptionGroup var reportOptions: ReportOptions

    @Option(help: ArgumentHelp("Run only tests whose file, scenario or test name contains this text (any case).", valueName: "text"))
    var filter: String?

    @Option(help: ArgumentHelp("Run only tests tagged so (on the scenario or the test; any case). Repeatable: any of them.", valueName: "tag"))
    var tag: [String] = []

    @Option(help: ArgumentHelp(
        "The real database live scenarios read, instead of the one the --uri names or their own `database`.", valueName: "name"))
    var database: [String] = []

    @Option(help: ArgumentHelp(
        "Where live scenarios' reads go, unless a step says: a mode (primary, primaryPreferred, secondary, secondaryPreferred, nearest) or a JSON object {\"mode\": …, \"tagSets\": [{…}], \"maxStalenessSeconds\": …}. Replaces a file's own `readPreference`; without either, the --uri's readPreference applies, else the primary. Sandbox files always read from the primary.",
        valueName: "mode|json"))
    var readPreference: String?

    @Flag(help: "Fail the run when a test is skipped (as the gate does): a skipped test checked nothing.")
    var failOnSkip = false

    @Flag(help: "Stop at the first failed test; the tests not run are reported as skipped.")
    var failFast = false

    @Flag(help: "Keep the sandbox databases after the run, to look at what the tests left.")
    var keepDatabases = false

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Run this many scenario files at once (1-64), each in its own sandbox on connections of its own. The results and the order of every report are the same for any number. With --fail-fast, files run one at a time.",
        valueName: "n"))
    var jobs = 1

    @Option(help: ArgumentHelp(
        "Run only part K of N of the scenario files, for a CI matrix: N machines running K = 1…N together run every file exactly once. The split depends only on the files' paths.",
        valueName: "K/N"))
    var shard: String?

    func run() throws {
        let report = ReportTarget(reportOptions, started: Date())
        // Checked here rather than by the argument parser, so that a mistyped CI matrix
        // still replaces the last run's reports.
        guard (1...64).contains(jobs) else {
            throw usage("--jobs takes a number of files to run at once, from 1 to 64; got \(jobs).", report)
        }
        let shard: Shard?
        do {
            shard = try self.shard.map(Shard.init(parsing:))
        } catch {
            throw usage("\(error)", report)
        }
        var preference: ReadPreference?
        if let readPreference {
            switch ReadPreference.parse(argument: readPreference) {
            case .success(let parsed): preference = parsed
            case .failure(let error): throw usage("--read-preference \(readPreference): \(error.message)", report)
            }
        }
        let databaseSelection: DatabaseSelection
        do {
            databaseSelection = try DatabaseSelection(flags: database, uri: serverOptions.uri)
        } catch let error as ArgumentParser.ValidationError {
            throw usage(error.message, report)
        }
        let catalog = try scenarioOptions.catalog()
        guard catalog.errors.isEmpty else {
            report.write([.invalidInput(catalog.errors)])
            throw ScenarioOptions.invalid(catalog)
        }
        if let problem = VariableOverrides.problem(scenarioOptions.variableNames, declared: catalog.scenarios.reduce(into: Set<String>()) { $0.formUnion($1.declaredVars) }) {
            throw usage(problem, report)
        }
        if let missing = scenarioOptions.missingExactTest(in: catalog) {
            throw usage(missing + " Nothing was run.", report)
        }
        guard !catalog.scenarios.isEmpty else {
            let message = "No scenario files in \(scenarioOptions.searchPaths.joined(separator: ", ")); nothing was run."
            report.write([.problem("nothing to run", tests: [("scenario files", TestProblem(type: "invalidInput", message: message))])])
            throw CommandFailure.exit(message, .invalidInput)
        }
        // Said aloud, so a file that was not run is never a surprise; not under --list,
        // which runs nothing and whose lines are meant for a pipe.
        if reportOptions.verbosity != .quiet && !scenarioOptions.list {
            for other in catalog.otherFiles where other.kind != "fixture data" {
                ConsoleReport.standardOutput("· \(other.file): \(other.kind), not run")
            }
        }
        let files = shard.map { $0.select(catalog.scenarios) } ?? catalog.scenarios
        if failFast && jobs > 1 {
            Console.standardError("--fail-fast runs one file at a time (--jobs \(jobs) ignored): the files after a failure must not run, and with several at once they would already be running.")
        }
        if let shard {
            Console.standardError("Shard \(shard): \(files.count) of \(catalog.scenarios.count) scenario files.")
        }
        let chooser = TestSelection(filter: filter, tags: tag, exact: scenarioOptions.exactTests)
        let selection = chooser.select(files)
        if scenarioOptions.list {
            // What would run, said without connecting to anything or writing a report.
            ScenarioOptions.listing(selection).forEach { ConsoleReport.standardOutput($0) }
            return
        }
        if selection.isEmpty, let shard, !chooser.select(catalog.scenarios).isEmpty {
            // Another shard has the tests: a matrix with more machines than files is not an error.
            ConsoleReport.standardOutput("Shard \(shard) has no tests to run; the other shards run them.")
            let unwritten = report.writeAll([])
            if let first = unwritten.first { throw CommandFailure.exit(first, .environment) }
            return
        }
        guard !selection.isEmpty else {
            let message = noMatch(catalog)
            report.write([.problem("nothing to run", tests: [("selection", TestProblem(type: "usage", message: message))])])
            throw CommandFailure.exit(message, .usage)
        }
        if readPreference != nil, !selection.contains(where: { $0.scenario.mode == .live }) {
            Console.standardError("--read-preference applies to live files, and none is selected: sandbox files always read from the primary.")
        }
        if filter != nil || !tag.isEmpty {
            // A narrowed run must say so: "3 passed" means little without "of 40".
            let total = catalog.scenarios.reduce(0) { $0 + $1.tests.count }
            let chosen = selection.reduce(0) { $0 + $1.tests.count }
            Console.standardError("Selected \(chosen) of \(total) tests in \(catalog.scenarios.count) file\(catalog.scenarios.count == 1 ? "" : "s") (\(selectionDescription)); the others are not run or reported.")
        }
        do {
            try report.checkWritable()
        } catch {
            throw CommandFailure.exit(error, .environment)
        }

        let server: ServerSession
        do {
            server = try ServerSession.open(
                serverOptions, options: runOptions(databaseSelection.name, readPreference: preference), report: report,
                topology: ScratchTopology.needed(by: selection.map(\.scenario)))
        } catch let failure as ServerSession.Failure {
            report.write([.problem("environment: nothing was run", tests: [("server", TestProblem(type: "environment", message: failure.message))])])
            throw CommandFailure.exit(failure.message, .environment)
        }
        defer { server.close() }
        if let name = databaseSelection.name, let source = databaseSelection.source, server.scratch == nil {
            for scenario in selection.map(\.scenario) where scenario.mode == .live && scenario.database != name {
                ConsoleReport.standardOutput("· \(scenario.file): reads the database \(name) (from \(source); the file names \(scenario.database))")
            }
        }
        let console = reportOptions.console()
        console.begin(total: selection.reduce(0) { $0 + $1.tests.count })
        let suites = server.run.run(selection, observer: console)
        KeptUntilExit.keep(catalog, files, selection, suites, server)

        // Kept to be looked at, so said where, even when a report cannot be written; a
        // scratch server takes them with it.
        let kept = keepDatabases ? server.run.standingSandboxes.joined(separator: ", ") : ""
        if !kept.isEmpty {
            Console.standardError(server.scratch == nil
                ? "Kept (--keep-databases): \(kept). When done, preflight sandboxes --uri '\(server.run.pool.redactedURI)' --prune drops them (and any other sandbox without a living owner)."
                : "--keep-databases kept \(kept) on the scratch server, which is removed now; give --uri to keep them.")
        }
        try report.finish(suites, console: console)
        if let lost = server.environmentFailure() {
            throw CommandFailure.exit(lost, .environment)
        }
        if suites.contains(where: { $0.failures + $0.errors > 0 }) {
            throw ExitCode(PreflightExitCode.failed.rawValue)
        }
    }

    /// A usage error found after parsing: the reports say so too (exit 64).
    private func usage(_ message: String, _ report: ReportTarget) -> ExitCode {
        report.write([.problem("usage: nothing was run", tests: [("command line", TestProblem(type: "usage", message: message))])])
        return CommandFailure.exit(message, .usage)
    }

    private var selectionDescription: String {
        [filter.map { "--filter \"\($0)\"" }, tag.isEmpty ? nil : "--tag " + tag.joined(separator: ", ")]
            .compactMap { $0 }.joined(separator: " and ")
    }

    private func noMatch(_ catalog: ScenarioCatalog) -> String {
        let tags = Set(catalog.scenarios.flatMap { $0.tags + $0.tests.flatMap(\.tags) }).sorted()
        let asked = selectionDescription
        let names = catalog.scenarios.flatMap { $0.tests.map(\.name) }
        let nearest = filter.flatMap { NearestName.containing($0, among: names) }.map { " The nearest test name: \"\($0)\"." } ?? ""
        return "No test matches \(asked) in \(catalog.scenarios.count) file\(catalog.scenarios.count == 1 ? "" : "s")"
            + (tags.isEmpty ? "." : "; the tags in use: \(tags.joined(separator: ", ")).") + nearest + " Nothing was run. (`preflight run --list` lists every test.)"
    }

    private func runOptions(_ database: String?, readPreference: ReadPreference?) -> RunOptions {
        var options = RunOptions()
        options.readPreference = readPreference
        options.keepDatabases = keepDatabases
        options.failFast = failFast
        options.failOnSkip = failOnSkip
        options.databaseOverride = database
        options.jobs = jobs
        return options
    }
}
