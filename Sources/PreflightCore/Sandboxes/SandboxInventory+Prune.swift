import Foundation
import Mongo

extension SandboxInventory {
    /// What a prune did.
    public struct Pruned: Sendable {
        /// Dropped (or, for a record whose database was gone, forgotten).
        public var dropped: [SandboxEntry] = []
        /// Left alone, and why: alive, of unknown owner, too young for `--older-than`,
        /// or renewed while the prune looked at it.
        public var spared: [(entry: SandboxEntry, why: String)] = []
        /// What failed, one sentence each.
        public var problems: [String] = []
    }

    /// Drops the orphaned sandboxes and their records: never one whose run lives, never
    /// one without a record. Each is first taken over in the registry, on condition that
    /// its record is still the one that was judged, so a run that renewed its lease in
    /// the meantime keeps its sandbox.
    /// - Parameter olderThan: only sandboxes whose run started at least this long ago.
    public func prune(_ client: MongoClient, olderThan: TimeInterval? = nil, now: Date = Date()) -> Pruned {
        var pruned = Pruned()
        let registry = SandboxRegistry(client: client)
        let pruner = "process \(ProcessIdentity.current.pid) on \(ProcessIdentity.current.host)"
        for entry in entries {
            guard entry.state == .orphaned, let owner = entry.owner else {
                pruned.spared.append((entry, entry.state == .alive ? "alive" : "unknown owner"))
                continue
            }
            if let olderThan, now.timeIntervalSince(owner.startedAt) < olderThan {
                pruned.spared.append((entry, "its run started less than --older-than ago"))
                continue
            }
            do throws(MongoError) {
                guard try registry.takeOver(entry.name, judged: owner, by: pruner) else {
                    pruned.spared.append((entry, "its record changed while the prune looked at it (its run renewed its lease)"))
                    continue
                }
                if entry.databaseExists { try client.dropDatabase(entry.name) }
                try registry.release(entry.name, runID: owner.runID)
                pruned.dropped.append(entry)
            } catch {
                pruned.problems.append("The sandbox \(entry.name) could not be pruned: \(error.message)")
            }
        }
        do throws(MongoError) {
            try registry.dropIfEmpty()
        } catch {
            pruned.problems.append("The registry \(SandboxRegistry.database) could not be dropped now that it is empty: \(error.message)")
        }
        return pruned
    }
}
