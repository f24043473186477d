import Foundation
import Mongo

extension Gate {
    /// The item that says whether the pending migrations, one after the other, succeed.
    static let sequenceName = "the pending migrations, applied in order"

    /// Holds every compat spec and every live test to a copy of the live collections after
    /// all pending migrations, applied in order (`AfterMigrations` does the copying).
    ///
    /// - A failure today that holds on a *whole* copy after them is fixed by them and does
    ///   not block. On a sample it stays blocking: the documents that fail may not be in it.
    /// - Something that holds today and fails after them is broken by them, and blocks.
    /// - When the copy cannot be made or a migration's `up` fails on it, what holds today
    ///   cannot be said to hold after them: compat items become unknown, and a migrations
    ///   item says why.
    func afterMigrations(compat: CompatToday, scenarios: ScenariosToday) -> (compat: [GateItem], scenarios: [GateItem], sequence: GateItem?) {
        var compatItems = compat.items
        var scenarioItems = scenarios.items
        let names = loaded.migrations.map(\.name).joined(separator: ", then ")
        guard !compat.specs.isEmpty || !scenarios.liveTests.isEmpty else { return (compatItems, scenarioItems, nil) }

        func notHeld(_ why: String) -> (compat: [GateItem], scenarios: [GateItem], sequence: GateItem?) {
            for index in compatItems.indices where compatItems[index].outcome == .passed {
                compatItems[index].outcome = .unknown
                compatItems[index].reason = "holds today, but could not be held to the data after \(names): \(why)"
            }
            // What fails today stays failed, and says why no fix is credited.
            let unverified = " — whether \(names) would fix it is not known: they could not be held to a copy (see \"\(Self.sequenceName)\")"
            for index in compatItems.indices where compatItems[index].outcome == .failed { compatItems[index].reason += unverified }
            for entry in scenarios.liveTests where scenarioItems[entry.index].outcome == .failed { scenarioItems[entry.index].reason += unverified }
            var sequence = GateItem(section: .migrations, name: Self.sequenceName, outcome: .unknown, reason: why)
            sequence.policy = loaded.checklist.migrations.first?.policy ?? ItemPolicy()
            return (compatItems, scenarioItems, sequence)
        }
        if let missing = privileges.missing(.read(database: database)) ?? privileges.missing(.sandboxes) {
            return notHeld("the user lacks \(missing)")
        }

        var collections = CollectionsNamed()
        for migration in loaded.migrations {
            migration.changes.filter { !$0.created }.forEach { collections.add($0.collection) }
            collections.visit(migration.up)
        }
        // The collections the migrations read or change and do not create: the data their
        // `up`s are held to.
        let created = Set(loaded.migrations.flatMap { $0.changes.filter(\.created).map(\.collection) })
        let migrated = collections.names.filter { !created.contains($0) }
        compat.specs.forEach { collections.add($0.collection) }
        // Once per file, not per test: a file's tests read the same collections.
        var seenFiles: Set<String> = []
        for entry in scenarios.liveTests where seenFiles.insert(entry.scenario.file).inserted {
            entry.scenario.collectionsRead.forEach { collections.add($0) }
        }
        let limit = loaded.checklist.migrations.map(\.copyLimit).min() ?? PendingMigration.defaultCopyLimit

        let copy = AfterMigrations(gate: self, collections: collections.names, limit: limit)
        progress.stage("after the migrations: \(names) on a copy of \(collections.names.joined(separator: ", "))")
        let outcome = copy.run { sandbox, whole in
            let after = compat.specs.map { compatItem($0, policy: ItemPolicy(), database: sandbox, today: false) }
            var live: [Int: Bool] = [:]
            // A live test's counts and thresholds speak of whole collections: on a sample,
            // "at most 10,000" passes because the sample is small. Only a whole copy is asked.
            if whole {
                let runner = SuiteRunner(
                    pool: run.pool, facts: run.facts, commandLog: run.commandLog, options: run.options, stop: StopSignal(), watch: run.watch,
                    observer: nil)
                for entry in scenarios.liveTests {
                    progress.stage("after the migrations: " + GateProgress.test(entry.test.name, in: entry.scenario.file))
                    let suite = runner.run(entry.scenario, tests: [entry.test], database: sandbox, sandbox: false)
                    live[entry.index] = suite.tests.allSatisfy { if case .passed = $0.outcome { true } else { false } }
                }
            }
            return (after, live)
        }
        let state: AfterMigrations.State
        switch outcome {
        case .failure(let failure):
            notes.append("after the pending migrations: not checked: \(failure.message)")
            var result = notHeld(failure.message)
            if failure.upFailed { result.sequence?.outcome = .failed }
            return result
        case .success(let value):
            state = value
        }
        notes.append("after \(names): checked on \(state.copy)")

        for (index, after) in state.compat.enumerated() {
            var item = compatItems[index]
            item.details += "\n\nafter \(names) (on \(state.copy)): " + after.reason + "\n" + after.details
            item.figures += after.figures.map { ("after.\($0.name)", $0.value) }
            switch (item.outcome, after.outcome) {
            case (.failed, .passed) where state.whole:
                item.fixedBy = "\(names) (verified on \(state.copy))"
            case (.failed, .passed):
                item.reason += " — after \(names) it holds on \(state.copy), but a sample may miss the documents that fail today: raise copyLimit to verify the fix on every document"
            case (.passed, .failed), (.passed, .unknown):
                item.outcome = after.outcome
                item.reason = "holds today, but not after \(names): " + after.reason
            case (.failed, _):
                // Written out again only where it differs: the same failure, word for word
                // but for the sandbox's name, made reasons of a thousand characters.
                let same = after.reason.replacingOccurrences(of: state.sandbox + ".", with: database + ".") == item.reason
                item.reason += same ? " — the same after \(names)" : " — still after \(names): " + after.reason
            default:
                break
            }
            compatItems[index] = item
        }
        for entry in scenarios.liveTests {
            guard let heldAfter = state.live[entry.index] else {
                scenarioItems[entry.index].details += "\n\nnot re-run after \(names): the copy was a sample (\(state.copy)), and a live test's counts need whole collections"
                continue
            }
            var item = scenarioItems[entry.index]
            switch (item.outcome, heldAfter) {
            case (.failed, true):
                item.fixedBy = "\(names) (the test passes on \(state.copy) after \(loaded.migrations.count == 1 ? "it" : "them"))"
            case (.passed, false):
                item.outcome = .failed
                item.reason = "holds today, but fails on \(state.copy) after \(names)"
            default:
                break
            }
            scenarioItems[entry.index] = item
        }
        // Every `up` succeeds on empty collections: that is a pass over nothing.
        let onNothing = !migrated.isEmpty && migrated.allSatisfy { (state.copied[$0] ?? 0) == 0 }
        var sequence = GateItem(
            section: .migrations, name: Self.sequenceName, outcome: onNothing ? .failed : .passed,
            reason: onNothing
                ? "nothing was checked: \(names) ran on \(state.copy), where \(migrated.joined(separator: ", ")) "
                    + "\(migrated.count == 1 ? "holds" : "hold") no document, and every up succeeds on none. Is the database right (--database, or the URI's)?"
                : "\(names): every up succeeded on \(state.copy)")
        sequence.policy = loaded.checklist.migrations.first?.policy ?? ItemPolicy()
        return (compatItems, scenarioItems, sequence)
    }
}
