import Foundation
import Mongo

/// One migration verified in its sandbox: the data loaded and snapshotted, then each
/// check in turn (the README, “Verifying a migration”), each reported as it ends.
final class MigrationVerification {
    let migration: Migration
    let source: MigrationSource
    let client: MongoClient
    /// The database the migration runs in, and the one its snapshots are kept in.
    let sandbox: String
    let snapshots: String
    let steps: MigrationSteps
    /// Lines for the suite's `system-out`: where the data came from, how much there was.
    private(set) var notes: [String] = []
    /// Hears what starts (the data loading, each check), for a progress line.
    var stage: (String) -> Void = { _ in }

    init(
        migration: Migration, source: MigrationSource, pool: ConnectionPool, client: MongoClient, commandLog: CommandLog,
        sandbox: String, snapshots: String
    ) {
        self.migration = migration
        self.source = source
        self.client = client
        self.sandbox = sandbox
        self.snapshots = snapshots
        steps = MigrationSteps(pool: pool, client: client, commandLog: commandLog, scenario: migration.scenario, database: sandbox)
    }

    /// Runs every check, calling `report` once per check in `MigrationCheck` order (and
    /// `stage` with what starts, for a progress line).
    func run(report: (MigrationCheck, TestResult) -> Void) {
        var pending = MigrationCheck.allCases[...]
        func send(_ result: TestResult) {
            guard let check = pending.popFirst() else { return }
            report(check, result)
        }
        func rest(_ outcome: TestResult.Outcome) {
            while let check = pending.first { send(TestResult(name: check.name, outcome: outcome)) }
        }

        // Without the data and its snapshot no check can run.
        let before: Snapshot
        do {
            stage("loading the data")
            notes.append(try loadData())
            before = try Snapshot.take(of: sandbox, into: snapshots, number: 0, client: client)
        } catch {
            return rest(.errored(Self.problem(error, at: "loading the data")))
        }
        notes.append("before up: " + Self.describe(before.state))
        guard before.state.documentCount > 0 else {
            // A migration verified on nothing passes every check and proves nothing.
            return rest(.errored(TestProblem(
                type: "data", message: "there is nothing to verify the migration on: no documents were loaded (\(notes.first ?? ""))")))
        }

        let up = check(.upSucceeds) { log in
            steps.run(migration.up, log: log).map { Self.outcome($0, log: log) } ?? .passed
        }
        send(up)
        guard case .passed = up.outcome else { return rest(.skipped(reason: "not run: up did not succeed")) }

        let afterUp: DatabaseState
        do {
            afterUp = try DatabaseState.read(sandbox, client: client)
        } catch {
            return rest(.errored(Self.problem(error, at: "reading the sandbox after up")))
        }
        notes.append("after up: " + Self.describe(afterUp))
        send(check(.countsUnchanged) { log in try counts(before.state, afterUp, log: log) })
        send(check(.onlyDeclaredFieldsChange) { log in try declaredFields(before, afterUp, log: log) })
        send(check(.compatPasses) { log in
            let (outcome, output) = MigrationCompatCheck.outcome(for: migration, database: sandbox, client: client)
            if !output.isEmpty { log.append(output) }
            return outcome
        })
        var afterFirstUp: Snapshot?
        let idempotent = check(.upIsIdempotent) { log in try secondUp(log: log, snapshot: &afterFirstUp) }
        send(idempotent)
        let restore: Snapshot? = if case .passed = idempotent.outcome { nil } else { afterFirstUp }
        send(check(.downRestores) { log in try down(restoring: restore, before, log: log) })
    }

    /// Runs one check's body, timing it and turning what it throws into an error.
    private func check(_ check: MigrationCheck, _ body: (TestLog) throws -> TestResult.Outcome) -> TestResult {
        stage(check.name)
        let started = Date()
        let log = TestLog()
        let outcome: TestResult.Outcome
        do {
            outcome = try body(log)
        } catch {
            outcome = .errored(Self.problem(error, at: check.name))
        }
        let records = log.stepRecords
        return TestResult(
            name: check.name, duration: Date().timeIntervalSince(started), outcome: outcome, output: log.text, steps: records.kept,
            stepsNotRecorded: records.notKept)
    }

    /// A step failure as the check's outcome, the steps and commands under it.
    static func outcome(_ failure: RunFailure, log: TestLog) -> TestResult.Outcome {
        var problem = failure.problem
        problem.details += SuiteRunner.logHeading + log.text
        switch failure {
        case .failed: return .failed(problem)
        case .errored: return .errored(problem)
        }
    }

    static func problem(_ error: Error, at location: String) -> TestProblem {
        switch error {
        case let failure as RunFailure: failure.prefixed(location).problem
        case let error as MongoError: Failures.unexpected(location, error)
        case let error as LocalizedError: TestProblem(type: "error", message: "\(location): \(error.errorDescription ?? "\(error)")")
        default: TestProblem(type: "error", message: "\(location): \(error)")
        }
    }

    /// `orders 12, delivery_statuses 3 documents`.
    static func describe(_ state: DatabaseState) -> String {
        guard !state.collections.isEmpty else { return "no collections" }
        return state.collections.map { "\($0.name) \($0.count)" }.joined(separator: ", ") + " documents"
    }
}
