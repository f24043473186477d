import Mongo

extension MigrationVerification {
    /// (b) Every collection that was there before `up` is there after it, with as many
    /// documents; a collection `up` creates must be declared `created`.
    func counts(_ before: DatabaseState, _ after: DatabaseState, log: TestLog) throws -> TestResult.Outcome {
        var list = DifferenceList(phase: "after up")
        let created = Set(migration.changes.filter(\.created).map(\.collection))
        StateComparison.collections(before, after, phase: "after up", created: created, into: &list)
        StateComparison.counts(before, after, phase: "after up", into: &list)
        for collection in after.collections {
            let old = before.collection(collection.name).map { String($0.count) } ?? "none"
            log.append("\(collection.name): \(old) before, \(collection.count) after")
        }
        return list.isEmpty ? .passed : .failed(list.problem("up changed the collections or their document counts"))
    }

    /// (c) Document by document, every field `changes` does not declare is byte for byte
    /// what it was, and the declared ones changed only as declared.
    func declaredFields(_ before: Snapshot, _ after: DatabaseState, log: TestLog) throws -> TestResult.Outcome {
        var list = DifferenceList(phase: "after up")
        for collection in before.state.collections where after.collection(collection.name) != nil {
            let comparison = CollectionComparison(
                before: before.copy(of: collection.name, client: client), after: client.collection(collection.name, in: sandbox),
                comparison: DocumentComparison(allowance: migration.declared(collection.name)?.allowance),
                collated: before.state.isCollated(collection.name) || after.isCollated(collection.name))
            let read = try comparison.run(into: &list, name: collection.name)
            log.append("\(collection.name): \(read) documents compared (before and after)")
        }
        return list.isEmpty ? .passed : .failed(list.problem("up changed what \"changes\" does not declare"))
    }

    /// (e) A second `up` on the state the first one left changes nothing: not a document,
    /// not a count, not an index.
    func secondUp(log: TestLog, snapshot: inout Snapshot?) throws -> TestResult.Outcome {
        let first = try Snapshot.take(of: sandbox, into: snapshots, number: 1, client: client)
        snapshot = first
        if let failure = steps.run(migration.up, log: log) {
            return Self.outcome(failure.prefixed("the second up"), log: log)
        }
        let second = try DatabaseState.read(sandbox, client: client)
        var list = DifferenceList(phase: "after the second up")
        try exactly(first, second, into: &list, log: log)
        return list.isEmpty ? .passed : .failed(list.problem("a second up changed the data"))
    }

    /// (f) `down` after `up` gives back the snapshot taken before `up`: every document
    /// byte for byte, every collection, count, option and index. When the second `up`
    /// changed the data, the state after the first is put back first, so that this
    /// check judges `down` alone.
    func down(restoring afterFirstUp: Snapshot?, _ before: Snapshot, log: TestLog) throws -> TestResult.Outcome {
        if let afterFirstUp {
            log.append("The second up changed the data: the state after the first up is put back before down runs.")
            try afterFirstUp.restore(into: sandbox, client: client)
        }
        if let failure = steps.run(migration.down, log: log) {
            return Self.outcome(failure, log: log)
        }
        let afterDown = try DatabaseState.read(sandbox, client: client)
        var list = DifferenceList(phase: "after down")
        try exactly(before, afterDown, into: &list, log: log)
        return list.isEmpty ? .passed : .failed(list.problem("down did not restore the snapshot taken before up"))
    }

    /// Everything in `snapshot` against the sandbox as it is now, nothing allowed to differ.
    private func exactly(_ snapshot: Snapshot, _ now: DatabaseState, into list: inout DifferenceList, log: TestLog) throws {
        StateComparison.collections(snapshot.state, now, phase: list.phase, into: &list)
        StateComparison.counts(snapshot.state, now, phase: list.phase, into: &list)
        StateComparison.structure(snapshot.state, now, phase: list.phase, into: &list)
        for collection in snapshot.state.collections where now.collection(collection.name) != nil {
            let comparison = CollectionComparison(
                before: snapshot.copy(of: collection.name, client: client), after: client.collection(collection.name, in: sandbox),
                comparison: DocumentComparison(allowance: nil),
                collated: snapshot.state.isCollated(collection.name) || now.isCollated(collection.name))
            let read = try comparison.run(into: &list, name: collection.name)
            log.append("\(collection.name): \(read) documents compared")
        }
    }
}
