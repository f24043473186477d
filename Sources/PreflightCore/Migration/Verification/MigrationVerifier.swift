import Foundation
import Mongo

/// Verifies migrations on a run's server (the README, “Verifying a migration”): each in a sandbox of its own with its
/// snapshots in a second one, both claimed as the run's sandboxes are and dropped at the
/// end, one JUnit suite per migration with a test case per check.
public final class MigrationVerifier {
    let run: ScenarioRun
    let source: MigrationSource
    /// Hears what starts in a migration (its data loading, each check): the migration's
    /// name and the stage, for a progress line.
    public var stage: (_ migration: String, _ what: String) -> Void = { _, _ in }

    public init(run: ScenarioRun, source: MigrationSource) {
        self.run = run
        self.source = source
    }

    /// Verifies `migrations` one after another; the observer hears of each check as it ends.
    public func verify(_ migrations: [Migration], observer: RunObserver?) -> [SuiteResult] {
        var suites: [SuiteResult] = []
        run.progress.begin()
        for (index, migration) in migrations.enumerated() {
            let suite = verify(migration, at: index, observer: observer)
            suites.append(suite)
            run.progress.record(suite, at: index)
            observer?.suiteFinished(suite)
        }
        return suites
    }

    private func verify(_ migration: Migration, at index: Int, observer: RunObserver?) -> SuiteResult {
        let started = Date()
        let scenario = migration.scenario
        var suite = SuiteResult(
            name: migration.name, file: migration.file, classname: SuiteResult.classname(forFile: migration.file), timestamp: started)
        observer?.suiteStarted(scenario)
        var reported: [TestResult] = []
        let progress = run.progress
        let report = { (check: MigrationCheck, result: TestResult) in
            var result = result
            result.name = check.name
            result.line = migration.lines[check.key]
            result = SuiteRunner.redacted(result)
            reported.append(result)
            // Each check as it ends, so Ctrl-C reports the ones that did.
            var partial = suite
            partial.tests = reported
            partial.duration = Date().timeIntervalSince(started)
            progress.record(partial, at: index)
            observer?.testFinished(result, in: scenario)
        }
        do {
            try run.pool.withClient { client in
                var claimed: [String] = []
                defer { suite.systemErr += finish(claimed, client: client, out: &suite.systemOut) }
                claimed.append(try run.sandboxes.claim(using: client))
                claimed.append(try run.sandboxes.claim(using: client))
                let (sandbox, snapshots) = (claimed[0], claimed[1])
                suite.systemOut += "sandbox database: \(sandbox)\nsnapshot database: \(snapshots)\n"
                let verification = MigrationVerification(
                    migration: migration, source: source, pool: run.pool, client: client, commandLog: run.commandLog,
                    sandbox: sandbox, snapshots: snapshots)
                verification.stage = { [stage] in stage(migration.name, $0) }
                verification.run(report: report)
                suite.systemOut += verification.notes.map { $0 + "\n" }.joined()
            }
        } catch {
            let problem: TestProblem
            switch error {
            case let failure as RunFailure: problem = failure.problem
            case let error as MongoError: problem = Failures.unexpected("sandbox", error)
            default: problem = TestProblem(type: "error", message: "\(error)")
            }
            for check in MigrationCheck.allCases.dropFirst(reported.count) {
                report(check, TestResult(name: check.name, outcome: .errored(problem)))
            }
        }
        suite.tests = reported
        suite.duration = Date().timeIntervalSince(started)
        suite.systemOut = Redaction.redactText(suite.systemOut)
        suite.systemErr = Redaction.redactText(suite.systemErr)
        suite.properties = run.properties(for: scenario) + sourceProperties(for: migration)
        return suite
    }

    /// Drops the sandboxes, unless they are to be kept or went with the scratch server.
    /// - Returns: problems for the suite's `system-err`.
    private func finish(_ databases: [String], client: MongoClient, out: inout String) -> String {
        if databases.isEmpty { return "" }
        if run.options.serverIsUp?() == false {
            return "The sandboxes \(databases.joined(separator: ", ")) went with the scratch server.\n"
        }
        if run.options.keepDatabases {
            out += "kept (--keep-databases)\n"
            return ""
        }
        return databases.compactMap { run.sandboxes.drop($0, using: client) }.map { $0 + "\n" }.joined()
    }

    private func sourceProperties(for migration: Migration) -> [(name: String, value: String)] {
        switch source {
        case .fixtures:
            return [("migration.source", "fixtures")]
        case .sample(let reader, let size):
            return [("migration.source", "sample"), ("migration.source.uri", reader.redactedURI),
                    ("migration.source.database", reader.database(for: migration)), ("migration.sample", String(size))]
        case .copy(let reader):
            return [("migration.source", "copy"), ("migration.source.uri", reader.redactedURI),
                    ("migration.source.database", reader.database(for: migration))]
        }
    }
}
