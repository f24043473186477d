import Foundation
import Mongo

extension Gate {
    /// Holds every compat spec, and the live tests that failed today, to a copy of the
    /// live collections after all pending migrations, in order. A failure today that
    /// holds after them is fixed by them and does not block; a spec that passes today and
    /// fails after them is broken by them, and blocks.
    func afterMigrations(compat: CompatToday, scenarios: ScenariosToday) -> (compat: [GateItem], scenarios: [GateItem]) {
        var compatItems = compat.items
        var scenarioItems = scenarios.items
        guard !compat.specs.isEmpty || !scenarios.liveFailures.isEmpty else { return (compatItems, scenarioItems) }
        guard privileges.missing(.read(database: database)) == nil, privileges.missing(.sandboxes) == nil else {
            return (compatItems, scenarioItems)
        }
        var collections: [String] = []
        func want(_ name: String) { if !collections.contains(name) { collections.append(name) } }
        for migration in loaded.migrations { migration.changes.filter { !$0.created }.forEach { want($0.collection) } }
        compat.specs.forEach { want($0.collection) }
        for failure in scenarios.liveFailures { failure.scenario.collectionsRead.forEach(want) }
        let limit = loaded.checklist.migrations.map(\.copyLimit).min() ?? PendingMigration.defaultCopyLimit
        let names = loaded.migrations.map(label).joined(separator: ", then ")

        let outcome: Result<AfterState, AfterFailure> = withCopy(of: collections, limit: limit) { sandbox, copy, whole in
            // Compat specs: every one, on the migrated copy.
            let after = compat.specs.map { compatItem($0, policy: ItemPolicy(), database: sandbox, today: false) }
            // Live tests that failed today, on the migrated copy.
            var livePassed: Set<Int> = []
            // A live test's counts and thresholds speak of the whole collection: on a
            // sample, "at most 10,000" would pass because the sample is smaller. Only a
            // whole copy can show that the migrations fix it.
            let liveFailures = whole ? scenarios.liveFailures : []
            let runner = SuiteRunner(
                pool: run.pool, facts: run.facts, commandLog: run.commandLog, options: run.options, stop: StopSignal(), watch: run.watch,
                observer: nil)
            for failure in liveFailures {
                let suite = runner.run(failure.scenario, tests: [failure.test], database: sandbox, sandbox: false)
                if suite.tests.allSatisfy({ if case .passed = $0.outcome { true } else { false } }) { livePassed.insert(failure.index) }
            }
            return AfterState(compat: after, livePassed: livePassed, copy: copy, whole: whole)
        }
        switch outcome {
        case .failure(let failure):
            notes.append("after the pending migrations: not checked: \(failure.message)")
            for index in compatItems.indices {
                compatItems[index].details += "\n\nafter the pending migrations: not checked: \(failure.message)"
            }
        case .success(let state):
            notes.append("after \(names): checked on \(state.copy)")
            for (index, after) in state.compat.enumerated() {
                var item = compatItems[index]
                let afterLine = "after \(names) (on \(state.copy)): " + after.reason
                item.details += "\n\n" + afterLine + "\n" + after.details
                item.figures += after.figures.map { ("after.\($0.name)", $0.value) }
                switch (item.outcome, after.outcome) {
                case (.failed, .passed):
                    item.fixedBy = "\(names) (verified on \(state.copy))"
                case (.passed, .failed), (.passed, .unknown):
                    item.outcome = after.outcome
                    item.reason = "passes today, but not after \(names): " + after.reason
                case (.failed, _):
                    item.reason += " — still after \(names): " + after.reason
                default:
                    break
                }
                compatItems[index] = item
            }
            if !state.whole {
                for failure in scenarios.liveFailures {
                    scenarioItems[failure.index].details += "\n\nnot held to the data after \(names): the copy was a sample (\(state.copy)), and a live test's counts need the whole collection"
                }
            }
            for failure in scenarios.liveFailures where state.livePassed.contains(failure.index) {
                scenarioItems[failure.index].fixedBy = "\(names) (the test passes on \(state.copy) after \(loaded.migrations.count == 1 ? "it" : "them"))"
            }
        }
        return (compatItems, scenarioItems)
    }

    struct AfterState {
        var compat: [GateItem]
        var livePassed: Set<Int>
        var copy: String
        var whole: Bool
    }

    struct AfterFailure: Error {
        var message: String
    }

    /// Copies `collections` from the real database into a sandbox (whole up to `limit`,
    /// else a random sample), applies every pending migration's `up` in order, runs
    /// `body` on it and drops it.
    private func withCopy(
        of collections: [String], limit: Int, _ body: (String, String, Bool) -> AfterState
    ) -> Result<AfterState, AfterFailure> {
        do {
            let counts = try self.counts(collections)
            let reader = try SourceReader(uri: uri, databaseOverride: database)
            defer { reader.close() }
            return try run.pool.withClient { client -> Result<AfterState, AfterFailure> in
                let sandbox = try run.sandboxes.claim(using: client)
                defer {
                    if !run.options.keepDatabases, let problem = run.sandboxes.drop(sandbox, using: client) { notes.append(problem) }
                }
                for collection in collections {
                    let target = client.collection(collection, in: sandbox)
                    if (counts[collection] ?? 0) <= limit {
                        _ = try reader.copyAll(collection, in: database, into: target)
                    } else {
                        _ = try reader.sample(collection, in: database, size: limit, into: target)
                    }
                }
                for migration in loaded.migrations {
                    let steps = MigrationSteps(pool: run.pool, client: client, commandLog: run.commandLog, scenario: migration.scenario, database: sandbox)
                    if let failure = steps.run(migration.up, log: TestLog()) {
                        return .failure(AfterFailure(message: "\(migration.name): up failed on the copy: \(failure.problem.message)"))
                    }
                }
                let whole = counts.values.allSatisfy { $0 <= limit }
                return .success(body(sandbox, Self.describe(counts, whole: whole, limit: limit), whole))
            }
        } catch let error as MongoError {
            return .failure(AfterFailure(message: error.message))
        } catch let failure as RunFailure {
            return .failure(AfterFailure(message: failure.problem.message))
        } catch {
            return .failure(AfterFailure(message: "\(error)"))
        }
    }
}
