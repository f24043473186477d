import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct CompatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Hold a live collection's documents to a compat spec: field types, patterns, and queries that must see them.",
        discussion: """
            A compat spec names a collection, optionally a scope (a filter), the fields its \
            documents must carry (types, a pattern for strings, whether required, the default \
            the application assumes when missing) and reachability rules (a population, and \
            the query that must match all of it). Every spec is validated first, as `preflight \
            check` does; an invalid one stops the command with exit 2 before it connects.

            For each field, Preflight counts the documents in scope that have it with an \
            allowed type, lack it (a pass, the default applies, unless the field is required), \
            have it with a wrong type, or hold a string the pattern rejects (failures). One \
            aggregation counts every field at once, inside the server: memory here does not \
            grow with the collection, and a sharded cluster counts on every shard. Only what \
            fails is read again, for up to `samples` _ids (default 5) and a count by wrong \
            type. For each reachability rule it counts the population and how many of it the \
            query does not match (a failure, with sample _ids).

            Compat only reads: it sends aggregate and find, nothing that writes, on \
            connections named preflight-compat. It reads a live database, so --uri is \
            required (it never starts a scratch server, which would hold no documents); to \
            hold fixtures to a spec, run it from a scenario step: {"compat": "spec.json"}. \
            The database is --database, else the one the URI names (mongodb://host/earlybird), \
            else the spec's own "database". A scope that holds no document fails: every check \
            over nothing would pass. A spec that may be empty says why with "allowEmpty": "…".

            Reports: as for `preflight run`, one JUnit <testsuite> per spec (--junit, \
            default reports/junit.xml) with a test case per field and per rule, every count \
            in <system-out>; --json adds each check's counts as "figures"; --summary a \
            Markdown summary.

            Example (EarlyBird: legacy orders and the Phase 0.7 billing fields):

              preflight compat scenarios/earlybird/compat/orders-0.7.json \\
                --uri "$PROD_READONLY_URI" --database earlybird --junit reports/compat.xml

            A failure reads:
              ✗ billed: 3 of 120 documents have a wrong type (string ×2, int ×1); samples: o-7, o-9, l-3

            Exit codes: 0 every check passed; 1 a check failed, or a read failed; 2 a spec is \
            invalid (found before connecting, or a pattern the server's regular expression \
            engine refuses); 3 the server cannot be reached, or a report cannot be written; \
            64 usage (no --uri, no database for a spec).
            """)

    @Argument(help: ArgumentHelp("Compat spec files, or folders searched recursively for them.", valueName: "spec"))
    var specs: [String]

    @Option(help: ArgumentHelp("The server to read (mongodb:// or mongodb+srv://); only reads are sent.", valueName: "uri"))
    var uri: String?

    @Option(help: ArgumentHelp("The database to read, instead of the one the --uri names or each spec's own \"database\".", valueName: "name"))
    var database: [String] = []

    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var timeout: ServerTimeout

    func validate() throws {
        guard uri != nil else {
            throw ValidationError("""
                preflight compat reads a live database: give its --uri. It never starts a scratch server, \
                which would hold no documents; to hold fixtures to a spec, use a {"compat": "spec.json"} step in a scenario.
                """)
        }
    }

    func run() throws {
        timeout.apply()
        let report = ReportTarget(reportOptions, started: Date())
        let selection: DatabaseSelection
        do {
            selection = try DatabaseSelection(flags: database, uri: uri)
        } catch let error as ArgumentParser.ValidationError {
            report.write([.problem("usage: nothing was read", tests: [("command line", TestProblem(type: "usage", message: error.message))])])
            throw CommandFailure.exit(error.message, .usage)
        }
        let database = selection.name
        let loaded = CompatLoader.loadAll(specs)
        guard loaded.errors.isEmpty else {
            report.write([.invalidInput(loaded.errors)])
            throw CommandFailure.invalid(loaded.errors, then: "nothing was read")
        }
        guard !loaded.specs.isEmpty else {
            let message = "No compat specs in \(specs.joined(separator: ", ")); nothing was read."
            report.write([.problem("nothing to run", tests: [("compat specs", TestProblem(type: "invalidInput", message: message))])])
            throw CommandFailure.exit(message, .invalidInput)
        }
        let unnamed = loaded.specs.filter { database == nil && $0.database == nil }.map(\.file)
        guard unnamed.isEmpty else {
            let message = "\(unnamed.joined(separator: ", ")) name\(unnamed.count == 1 ? "s" : "") no database: give --database, or a \"database\" in the spec."
            report.write([.problem("nothing was read", tests: [("database", TestProblem(type: "usage", message: message))])])
            throw CommandFailure.exit(message, .usage)
        }
        do {
            try report.checkWritable()
        } catch {
            throw CommandFailure.exit(error, .environment)
        }
        let run: CompatRun
        do {
            run = try CompatRun(uri: uri ?? "")
        } catch {
            throw CommandFailure.exit("--uri: \(error.message)", .usage)
        }
        defer { run.close() }

        // A spec's checks are reported together, when its scan is done; until then the
        // progress line says which collection is being scanned.
        let console = reportOptions.console()
        var suites: [SuiteResult] = []
        var refused = false
        for spec in loaded.specs {
            if let database, let source = selection.source, let own = spec.database, own != database {
                ConsoleReport.standardOutput("· \(spec.file): reads the database \(database) (from \(source); the spec names \(own))")
            }
            let scanned = database ?? spec.database ?? ""
            console.running("\(spec.file): scanning \(scanned).\(spec.collection)")
            let result = run.scan(spec, database: scanned)
            if let error = result.error, error.isUnreachable, suites.isEmpty {
                // Nothing could be read at all: the environment failed, not the data.
                let message = "Cannot reach the server at \(run.pool.redactedURI): \(error.localizedDescription)"
                report.write([.problem("environment: nothing was read", tests: [("server", TestProblem(type: "environment", message: message))])])
                throw CommandFailure.exit(message, .environment)
            }
            if case .patternRefused(let invalid)? = result.error {
                refused = true
                Console.standardError(invalid.description)
            }
            suites.append(result.suite)
            console.report(result.suite)
        }

        try report.finish(suites, console: console)
        if refused { throw ExitCode(PreflightExitCode.invalidInput.rawValue) }
        if suites.contains(where: { $0.failures + $0.errors > 0 }) {
            throw ExitCode(PreflightExitCode.failed.rawValue)
        }
    }
}
