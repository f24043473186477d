/// How a scratch server presents itself: a standalone, or a one-member replica set.
///
/// A standalone unless the run needs a replica set: SecantusDB's replica-set mode slows
/// down as writes accumulate (from ~0.7 ms per operation to ~4 ms after 8,000 writes)
/// while its standalone mode stays flat, and mongod's standalone has no oplog to keep.
/// What needs a replica set is what MongoDB runs only on one: transactions (mongod
/// refuses a transaction number on a standalone); fail points, because drivers retry
/// reads and writes, and the server labels retryable errors, only on a replica set or a
/// sharded cluster, so an injected fault plays out as in production only there; and a
/// file whose `requires.topologies` (or a checklist whose `server.topology`) leaves out
/// `single`.
public enum ScratchTopology: String, Sendable {
    case standalone
    case replicaSet = "replica set"

    /// The topology `scenarios` and `migrations` need, and why when it is a replica set.
    /// - Parameter checklist: a gate checklist's `server.topology`, when it names one: a
    ///   scratch server that cannot meet it would fail the gate for the scratch server's sake.
    public static func needed(
        by scenarios: [Scenario], migrations: [Migration] = [], checklist: [String]? = nil
    ) -> (ScratchTopology, reason: String?) {
        if let checklist, !checklist.contains("single") {
            return (.replicaSet, "the checklist's server.topology asks for \(checklist.joined(separator: " or "))")
        }
        for scenario in scenarios {
            if let topologies = scenario.requires.topologies, !topologies.contains("single") {
                return (.replicaSet, "\(scenario.file) requires a \(topologies.joined(separator: " or ")) deployment")
            }
            let steps = scenario.tests.flatMap(\.steps) + scenario.procedures.values.flatMap(\.steps)
            if let need = firstNeed(in: steps) { return (.replicaSet, "\(scenario.file) uses \(need), which needs one") }
        }
        for migration in migrations {
            if let need = firstNeed(in: migration.up + migration.down) { return (.replicaSet, "\(migration.file) uses \(need), which needs one") }
        }
        return (.standalone, nil)
    }

    /// `transaction` or `failPoint`, if a step among `steps`, at any depth, is one.
    private static func firstNeed(in steps: [Step]) -> String? {
        var walk = StepWalk()
        let step = walk.first(in: steps) { step in
            switch step.kind {
            case .transaction, .failPoint: true
            default: false
            }
        }
        return switch step?.kind {
        case .transaction?: "a transaction"
        case .failPoint?: "a fail point"
        default: nil
        }
    }

    /// Whether `steps`, or a procedure they run (at any depth), hold a `transaction`.
    static func usesTransaction(_ steps: [Step], procedures: [String: Procedure]) -> Bool {
        var walk = StepWalk(procedures: procedures)
        return walk.first(in: steps) { if case .transaction = $0.kind { true } else { false } } != nil
    }
}
