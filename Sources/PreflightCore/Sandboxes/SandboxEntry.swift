import Foundation

/// One `pf_…` database on a server, or one registry record, as `preflight sandboxes` lists it.
public struct SandboxEntry: Sendable {
    public enum State: String, Sendable {
        /// Its run lives: never pruned.
        case alive
        /// Its run is gone (exited, killed, its lease expired, or it ended and kept it):
        /// `--prune` drops it.
        case orphaned
        /// No record Preflight can read: not made by this Preflight version, perhaps not by
        /// Preflight at all. Never pruned.
        case unknownOwner
    }

    public let name: String
    /// False for a record whose database does not exist: not created yet by a living run,
    /// or already dropped by a run that died before removing the record.
    public let databaseExists: Bool
    public let owner: SandboxOwner?
    public let state: State
    /// Why, in words: `process 4242 on ci-3 has exited`.
    public let reason: String

    /// - Parameter record: the registry's word on `name`: nil when it has no record,
    ///   `.some(nil)` when it has one this version cannot read.
    init(name: String, databaseExists: Bool, record: SandboxOwner??, now: Date) {
        self.name = name
        self.databaseExists = databaseExists
        switch record {
        case nil:
            owner = nil
            state = .unknownOwner
            reason = "no record in \(SandboxRegistry.database): not a sandbox of this Preflight version, perhaps not Preflight's at all; never pruned"
        case .some(nil):
            owner = nil
            state = .unknownOwner
            reason = "its record in \(SandboxRegistry.database) cannot be read by this Preflight version; never pruned"
        case .some(let owner?):
            self.owner = owner
            let liveness = owner.liveness(now: now)
            state = liveness.alive ? .alive : .orphaned
            reason = liveness.reason
        }
    }

    /// `pf_1a2b3c_1  no living owner: process 4242 on ci-3 has exited (run 1a2b3c, started …, Preflight 0.1.0)`.
    public var line: String {
        var text: String
        switch state {
        case .alive: text = "alive: " + reason
        case .orphaned: text = "no living owner: " + reason
        case .unknownOwner: text = "unknown owner: " + reason
        }
        if let owner {
            text += " (run \(owner.runID), started \(SandboxOwner.text(owner.startedAt)), Preflight \(owner.preflightVersion))"
            if !databaseExists {
                text += state == .alive ? "; its database is not created yet" : "; its database is gone, only the record is left"
            }
        }
        return text
    }
}
