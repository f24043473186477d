import Mongo

/// Loads a checklist's snapshot into the scratch server's copy of the real database, so
/// the gate checks what production holds without a live server.
public enum SnapshotLoader {
    /// - Returns: a line per collection: `orders 5,412 documents`.
    /// - Throws: `SnapshotLoader.Failure` saying which collection did not load and why.
    public static func load(_ checklist: Checklist, into database: String, run: ScenarioRun) throws -> [String] {
        do {
            try run.pool.withClient { client in
                try FixtureLoader.load(checklist.snapshot, into: database, client: client, scope: VariableScope(values: [:]))
            }
        } catch let failure as RunFailure {
            throw Failure(description: failure.problem.message)
        } catch {
            throw Failure(description: "\(error)")
        }
        return checklist.snapshot.map { "\($0.collection) \(CompatText.documents($0.documents.count))" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}
