import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct MigrateVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify migration files in a sandbox: up, counts, declared fields, compat, idempotence, down.",
        discussion: """
            A migration file names its `up` and `down` steps (the scenario step language), \
            the fields `up` may touch (`changes`), an optional compat spec and the data to try \
            it on (`fixtures`). Every file is validated first; an invalid one stops the command \
            with exit 2 before anything is sent.

            The data is loaded into a sandbox database pf_<run-id>_<n> (copies of it into a \
            second one), both dropped at the end unless --keep-databases:
              - by default, the migration's own fixtures;
              - --sample-from URI --sample N: N documents drawn at random ($sample) from each \
            collection `changes` names, in --source-database (default: the database the URI \
            names, else the migration's `database`);
              - --copy-from URI: every document of those collections, streamed in batches.
            The source is only read: find and aggregate, and listCollections and listIndexes \
            for each collection's options and indexes, which the copy gets (its validator once \
            the documents are in, TTL indexes without their expiry), with the indexes its \
            fixture declares on other keys; the other fixtures load as they are.

            Each migration is one suite in the reports, a test case per check:
              up succeeds;
              up keeps every collection's document count;
              up changes only the fields declared in changes (every other field byte for \
            byte, type and key order included);
              the compat spec passes after up (skipped when the migration names none);
              up is idempotent: a second up changes nothing;
              down restores the snapshot exactly (documents, counts, options, indexes).
            Differences are listed as `orders o-17: billed_month: changed from "2026-01" \
            (string) to 2026-01-01T00:00:00Z (date)` or `orders o-3: missing after up`, the \
            first 20 in full and the rest counted. Documents are compared in _id order a batch \
            at a time, so memory does not grow with the collections.

            Exit codes: 0 every check passed (a skipped compat check does not fail); 1 a check \
            failed (NO-GO); 2 a migration file is invalid, nothing was run; 3 the environment \
            failed (no server, a source that cannot be read, a report that cannot be written); \
            64 usage.

            Examples (EarlyBird's Phase 0.7 backfill):
              preflight migrate verify scenarios/earlybird/migrations
              preflight migrate verify scenarios/earlybird/migrations \\
                --uri "$STAGING_URI" --sample-from "$PROD_RO_URI" --sample 5000
              preflight migrate verify scenarios/earlybird/migrations \\
                --copy-from "$STAGING_URI" --source-database earlybird_staging
            """)

    @Argument(help: ArgumentHelp("Migration files, or folders searched recursively for them.", valueName: "migrations"))
    var paths: [String]

    @OptionGroup var serverOptions: ServerOptions
    @OptionGroup var reportOptions: ReportOptions

    @Option(help: ArgumentHelp("Draw the documents from this server (read-only) instead of the fixtures; needs --sample.", valueName: "uri"))
    var sampleFrom: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("How many documents --sample-from draws at random from each collection `changes` names.", valueName: "n"))
    var sample: Int?

    @Option(help: ArgumentHelp("Copy every document of the collections `changes` names from this server (read-only), in batches.", valueName: "uri"))
    var copyFrom: String?

    @Option(help: ArgumentHelp("The database --sample-from or --copy-from reads, instead of each migration's `database`.", valueName: "name"))
    var sourceDatabase: String?

    @Flag(help: "Keep the sandbox and snapshot databases afterwards, to look at what the migration left.")
    var keepDatabases = false

    func validate() throws {
        if sample != nil && sampleFrom == nil { throw ValidationError("--sample needs --sample-from, the server to draw the documents from.") }
        if sampleFrom != nil && sample == nil { throw ValidationError("--sample-from needs --sample N, how many documents to draw from each collection.") }
        if let sample, !(1...10_000_000).contains(sample) { throw ValidationError("--sample takes a number of documents from 1 to 10000000; got \(sample).") }
        if sampleFrom != nil && copyFrom != nil { throw ValidationError("--sample-from and --copy-from cannot be used together: choose one source.") }
        if sourceDatabase != nil && sampleFrom == nil && copyFrom == nil {
            throw ValidationError("--source-database names the database --sample-from or --copy-from reads; give one of them.")
        }
        if let sourceDatabase, sourceDatabase.isEmpty || sourceDatabase.contains(where: { "/\\. \"$".contains($0) }) {
            throw ValidationError("--source-database \"\(sourceDatabase)\" is not a database name.")
        }
    }

    func run() throws {
        serverOptions.timeout.apply()
        let report = ReportTarget(reportOptions, started: Date())
        let (migrations, errors) = MigrationLoader().loadAll(paths)
        guard errors.isEmpty else {
            report.write([.invalidInput(errors)])
            throw CommandFailure.invalid(errors, then: "nothing was run")
        }
        guard !migrations.isEmpty else {
            let message = "No migration files in \(paths.joined(separator: ", ")); nothing was run."
            report.write([.problem("nothing to run", tests: [("migration files", TestProblem(type: "invalidInput", message: message))])])
            throw CommandFailure.exit(message, .invalidInput)
        }
        do {
            try report.checkWritable()
        } catch {
            throw CommandFailure.exit(error, .environment)
        }

        let reader = try openSource(migrations, report: report)
        defer { reader?.close() }
        var options = RunOptions()
        options.keepDatabases = keepDatabases
        let server: ServerSession
        do {
            server = try ServerSession.open(
                serverOptions, options: options, report: report, topology: ScratchTopology.needed(by: [], migrations: migrations))
        } catch let failure as ServerSession.Failure {
            report.write([.problem("environment: nothing was run", tests: [("server", TestProblem(type: "environment", message: failure.message))])])
            throw CommandFailure.exit(failure.message, .environment)
        }
        defer { server.close() }

        let console = reportOptions.console()
        let source: MigrationSource = if let reader, let sample { .sample(reader, size: sample) } else if let reader { .copy(reader) } else { .fixtures }
        let verifier = MigrationVerifier(run: server.run, source: source)
        verifier.stage = { _, what in console.running(what) }
        let suites = verifier.verify(migrations, observer: console)

        try report.finish(suites, console: console)
        if let lost = server.environmentFailure() {
            throw CommandFailure.exit(lost, .environment)
        }
        if suites.contains(where: { $0.failures + $0.errors > 0 }) {
            throw ExitCode(PreflightExitCode.failed.rawValue)
        }
    }

    /// The source server, when there is one, checked before anything runs: it answers, and
    /// this user may read the first collection each migration draws from.
    private func openSource(_ migrations: [Migration], report: ReportTarget) throws -> SourceReader? {
        guard let uri = sampleFrom ?? copyFrom else { return nil }
        func fail(_ message: String) -> ExitCode {
            report.write([.problem("environment: nothing was run", tests: [("source", TestProblem(type: "environment", message: message))])])
            return CommandFailure.exit(message, .environment)
        }
        let reader: SourceReader
        do throws(MongoError) {
            // The source URI's database (mongodb://host/earlybird) is the one to read, unless --source-database says otherwise.
            var named = sourceDatabase
            if named == nil { named = try ConnectionString.database(of: uri) }
            reader = try SourceReader(uri: uri, databaseOverride: named)
        } catch {
            throw fail(error.message)
        }
        for migration in migrations {
            guard let first = migration.changes.first(where: { !$0.created }) else { continue }
            let database = reader.database(for: migration)
            do {
                try reader.probe(first.collection, in: database)
            } catch {
                reader.close()
                let detail = (error as? MongoError)?.message ?? "\(error)"
                throw fail("Cannot read \(database).\(first.collection) on the source server \(reader.redactedURI): \(detail)")
            }
        }
        return reader
    }
}
