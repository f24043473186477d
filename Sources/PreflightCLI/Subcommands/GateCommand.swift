import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "The pre-deployment gate: one GO or NO-GO for a release, its migrations and a database.",
        discussion: """
            A checklist file ({"preflight": 1, "checklist": "…", …}) names what must \
            hold before a release is deployed onto a database (the README's "The gate" \
            has the whole format; scenarios/schema/checklist.schema.json lets editors \
            check it):
              server      version, feature compatibility version, topology,
                          collections, indexes (key, unique, sparse, name,
                          partialFilterExpression, expireAfterSeconds), no index
                          build in progress on them, validators
              scenarios   sandbox files in pf_… sandboxes on the same server, live
                          files read-only against the real database
              compat      specs held to the real database, read-only
              migrations  each verified on a copy of the live collections (whole
                          up to copyLimit, else a random sample); then the compat
                          specs and failing live tests are held to a copy after
                          them: what they fix is "fixed by" and does not block
            Everything the checklist names is validated first (exit 2, nothing sent).

            Every item ends passed, failed or unknown (could not be checked: a missing \
            privilege, read first with connectionStatus; a command the server lacks). Failed \
            and unknown block unless the item says "severity": "warn" or "onUnknown": "warn" \
            with a reason. Nothing checked is never GO: a compat scope or a live file's \
            collection with no document, a skipped test not allowed by name in allowSkipped, \
            an empty checklist.

            The real database is --database, else the one the URI names \
            (mongodb://host/earlybird), else the checklist's "database". Without --uri the \
            gate starts a scratch server, loads the checklist's snapshot into that database, \
            and says so in its verdict. It never writes outside its own sandboxes and \
            their owners' records in preflight_sandboxes (see `preflight sandboxes`).

            Reports: JUnit (--junit, a suite per section), --json the evidence bundle \
            (server identity, every item's outcome, reason and figures, the verdict and its \
            reasons), --summary Markdown with the verdict first; --baseline PREVIOUS.json adds \
            what changed since that gate's evidence.

            Exit codes: 0 GO; 1 NO-GO; 2 the checklist or a file it names is invalid, nothing \
            was sent; 3 the environment failed (no server, a snapshot that does not load, a \
            report that cannot be written); 64 usage.

            Examples:
              preflight gate scenarios/earlybird/checklists/phase-0.7.json
              preflight gate scenarios/earlybird/checklists/phase-0.7.json \\
                --uri "$PROD_URI" --json reports/gate.json --summary "$GITHUB_STEP_SUMMARY"
              preflight gate checklist.json --uri "$PROD_URI" \\
                --baseline reports/last-gate.json
            """)

    @Argument(help: ArgumentHelp("The checklist file.", valueName: "checklist"))
    var checklist: String

    @OptionGroup var serverOptions: ServerOptions
    @OptionGroup var reportOptions: ReportOptions

    @Option(help: ArgumentHelp("The real database to check, instead of the URI's or the checklist's.", valueName: "name"))
    var database: [String] = []

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable for the scenarios, replacing the checklist's and the files' (name=value, value read as JSON when it parses). Repeatable.", valueName: "name=value"))
    var variables: [String] = []

    @Option(help: ArgumentHelp("An earlier gate's --json evidence: report what changed since.", valueName: "path"))
    var baseline: String?

    @Flag(help: "Keep the sandbox databases afterwards, to look at what the checks left.")
    var keepDatabases = false

    func run() throws {
        serverOptions.timeout.apply()
        let report = GateReportTarget(reportOptions, checklist: checklist, started: Date())
        let selection: DatabaseSelection
        do {
            selection = try DatabaseSelection(flags: database, uri: serverOptions.uri)
        } catch let error as ArgumentParser.ValidationError {
            throw usage(error.message, report, about: "command line")
        }
        var overrides = ScenarioOptions()
        overrides.variables = variables
        let variableValues: BSONDocument
        do {
            variableValues = try overrides.variableOverrides()
        } catch {
            let message = (error as? ArgumentParser.ValidationError)?.message ?? String(describing: error)
            throw usage(message, report, about: "command line")
        }
        let loaded: ChecklistLoader.Loaded
        do {
            loaded = try ChecklistLoader(variableOverrides: variableValues).load(checklist)
        } catch {
            // Typed: the loader throws only ValidationFailure.
            report.write([.invalidInput(error.errors)])
            throw CommandFailure.invalid(error.errors, then: "nothing was checked")
        }
        let declared = loaded.scenarios.reduce(into: Set(loaded.checklist.declaredVars)) { $0.formUnion($1.declaredVars) }
        if let problem = VariableOverrides.problem(overrides.variableNames, declared: declared) {
            throw usage(problem, report, about: "command line")
        }
        let realDatabase = selection.name ?? loaded.checklist.database
        if serverOptions.uri == nil && loaded.checklist.snapshot.isEmpty {
            let message = "\(checklist) has no \"snapshot\" and no --uri was given: there is no data to check against. Give --uri, or a snapshot for a scratch run."
            throw usage(message, report, about: "snapshot")
        }
        do {
            try report.checkWritable()
        } catch {
            throw CommandFailure.exit(error, .environment)
        }
        let changesPath = baseline
        if let changesPath, !FileManager.default.fileExists(atPath: changesPath) {
            let message = "--baseline \(changesPath): no such file (an earlier gate's --json evidence)."
            throw usage(message, report, about: "command line")
        }

        var options = RunOptions()
        options.keepDatabases = keepDatabases
        options.databaseOverride = realDatabase
        options.scratchHoldsSnapshot = true
        let server: ServerSession
        do {
            server = try ServerSession.open(
                serverOptions, options: options, report: report,
                topology: ScratchTopology.needed(
                    by: loaded.scenarios, migrations: loaded.migrations, checklist: loaded.checklist.server.topologies))
        } catch let failure as ServerSession.Failure {
            report.write([.problem("environment: nothing was checked", tests: [("server", TestProblem(type: "environment", message: failure.message))])])
            throw CommandFailure.exit(failure.message, .environment)
        }
        defer { server.close() }
        let onScratch = server.scratch != nil
        let console = GateConsole(
            verbose: reportOptions.verbose, quiet: reportOptions.quiet, color: ConsoleReport.wantsColor(noColorFlag: reportOptions.noColor))
        let progress = GateProgress(reportOptions.progressLine())
        if let source = selection.source, realDatabase != loaded.checklist.database, !reportOptions.quiet {
            ConsoleReport.standardOutput("· checking the database \(realDatabase) (from \(source); the checklist names \(loaded.checklist.database))")
        }
        if onScratch {
            progress.stage("loading the snapshot into \(realDatabase) on the scratch server")
            do {
                let loadedLines = try SnapshotLoader.load(loaded.checklist, into: realDatabase, run: server.run)
                if !reportOptions.quiet {
                    ConsoleReport.standardOutput("· scratch server loaded with the snapshot: " + loadedLines.joined(separator: ", "))
                }
            } catch {
                let message = "The snapshot did not load: \(error)"
                report.write([.problem("environment: nothing was checked", tests: [("snapshot", TestProblem(type: "environment", message: message))])])
                throw CommandFailure.exit(message, .environment)
            }
        }

        // Whatever the console prints next erases the progress line (`StandardStream`).
        let gate = Gate(loaded, run: server.run, database: realDatabase, uri: server.uri, onScratch: onScratch, progress: progress) {
            console.item($0)
        }
        let result = gate.check()
        KeptUntilExit.keep(loaded, gate, result, server)
        var changes: BaselineChanges?
        if let changesPath {
            do { changes = try BaselineChanges(comparing: result, with: changesPath) } catch {
                Console.standardError("Warning: " + ((error as? LocalizedError)?.errorDescription ?? "\(error)"))
            }
        }
        console.verdict(result, changes: changes)
        var problems: [String] = []
        do { try JUnitReport(suites: result.suites, extended: reportOptions.junitExtended).write(to: reportOptions.junit) } catch {
            problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        if let json = reportOptions.json {
            do { try GateEvidence(result: result, changes: changes).write(to: json) } catch {
                problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        if let summary = reportOptions.summary {
            do { try GateSummary(result: result, changes: changes).write(to: summary) } catch {
                problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        if let last = problems.last {
            for problem in problems.dropLast() { Console.standardError("Error: " + problem) }
            throw CommandFailure.exit(last, .environment)
        }
        if !reportOptions.quiet {
            for (kind, path) in report.paths { ConsoleReport.standardOutput("\(kind): \(path)") }
        }
        if let lost = server.environmentFailure() { throw CommandFailure.exit(lost, .environment) }
        if !result.go { throw ExitCode(PreflightExitCode.failed.rawValue) }
    }

    /// A usage error found after parsing (exit 64): the gate's reports say so too.
    private func usage(_ message: String, _ report: GateReportTarget, about: String) -> ExitCode {
        report.write([.problem("usage: nothing was checked", tests: [(about, TestProblem(type: "usage", message: message))])])
        return CommandFailure.exit(message, .usage)
    }
}
