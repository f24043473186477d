import Foundation
import Mongo

extension Gate {
    /// Each pending migration verified on a copy of the live collections it changes,
    /// taken read-only into a sandbox: whole up to its `copyLimit`, else a random sample.
    func migrationItems() -> [GateItem] {
        var items: [GateItem] = []
        for (migration, pending) in zip(loaded.migrations, loaded.checklist.migrations) {
            func unknown(_ reason: String) {
                var item = GateItem(section: .migrations, name: migration.name, outcome: .unknown, reason: reason, file: migration.file)
                item.policy = pending.policy
                items.append(item)
            }
            if let missing = privileges.missing(.read(database: database)) ?? privileges.missing(.sandboxes) {
                unknown("not verified: the user lacks \(missing)")
                continue
            }
            let sourced = migration.changes.filter { !$0.created }.map(\.collection)
            let counts: [String: Int]
            do {
                counts = try self.counts(sourced)
            } catch {
                unknown("not verified: counting \(sourced.joined(separator: ", ")) in \(database) failed: \(error.message)")
                continue
            }
            let whole = counts.values.allSatisfy { $0 <= pending.copyLimit }
            let reader: SourceReader
            do {
                reader = try SourceReader(uri: uri, databaseOverride: database)
            } catch {
                unknown("not verified: \(error.message)")
                continue
            }
            defer { reader.close() }
            let source: MigrationSource = whole ? .copy(reader) : .sample(reader, size: pending.copyLimit)
            let copy = Self.describe(counts, whole: whole, limit: pending.copyLimit)
            notes.append("migration \(migration.name): verified on \(copy)")
            let verifier = MigrationVerifier(run: run, source: source)
            verifier.stage = { [progress] name, what in progress.stage("migrations \(name): \(what), on \(copy)") }
            let suite = verifier.verify([migration], observer: nil).first
            for result in suite?.tests ?? [] {
                var item: GateItem
                let name = "\(migration.name): \(result.name)"
                switch result.outcome {
                case .passed:
                    item = GateItem(section: .migrations, name: name, outcome: .passed, reason: "on \(copy)", file: migration.file)
                case .failed(let problem), .errored(let problem):
                    item = GateItem(section: .migrations, name: name, outcome: .failed, reason: problem.message + " (on \(copy))", file: migration.file)
                    item.details = problem.details
                case .skipped(let why):
                    // Without a compat spec there is no such check: not an item. Any other
                    // skip is a check that did not run (up failed first): not a pass.
                    if migration.compat == nil && result.name == "the compat spec passes after up" { continue }
                    item = GateItem(section: .migrations, name: name, outcome: .unknown, reason: why, file: migration.file)
                }
                // The copy's size once, on the first check: repeated on each it would be counted as six moves by --baseline.
                if result.name == suite?.tests.first?.name {
                    item.figures = counts.sorted { $0.key < $1.key }.map { ("\($0.key).documents", $0.value) }
                }
                item.policy = pending.policy
                item.duration = result.duration
                items.append(item)
            }
            if suite == nil { unknown("not verified: the verification gave no result") }
        }
        return items
    }

    /// Document counts of `collections` in the real database (the server's metadata count).
    func counts(_ collections: [String]) throws(MongoError) -> [String: Int] {
        var counts: [String: Int] = [:]
        do {
            try run.pool.withClient { client in
                for collection in collections {
                    let reply = try client.runCommand(["count": .string(collection)], on: database)
                    counts[collection] = Int(reply["n"]?.integerValue ?? 0)
                }
            }
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(kind: .client, message: "\(error)")
        }
        return counts
    }

    /// `a whole copy of orders (5,412 documents)`, or `a random sample of 100,000 of orders' 2,400,000 documents`.
    static func describe(_ counts: [String: Int], whole: Bool, limit: Int) -> String {
        let parts = counts.sorted { $0.key < $1.key }.map { collection, count in
            whole || count <= limit
                ? "\(collection) (\(CompatText.documents(count)))" : "\(collection) (\(limit.grouped) of \(CompatText.documents(count)))"
        }
        return (whole ? "a whole copy of " : "a random sample of ") + parts.joined(separator: ", ")
    }
}
