import Foundation
import Mongo

/// The `pf_…` databases on a server and what the registry says of each: what `preflight
/// sandboxes` lists, what `--prune` drops, and what a run counts to mention orphans.
public struct SandboxInventory: Sendable {
    /// By name.
    public let entries: [SandboxEntry]

    /// Reads the server's databases and the registry. Only reads.
    public static func survey(_ client: MongoClient, now: Date = Date()) throws(MongoError) -> SandboxInventory {
        let databases = Set(try client.databaseNames().filter { $0.hasPrefix("pf_") })
        let records = try SandboxRegistry(client: client).records()
        let names = databases.union(records.keys).sorted()
        return SandboxInventory(entries: names.map { name in
            SandboxEntry(name: name, databaseExists: databases.contains(name), record: records[name], now: now)
        })
    }

    public var orphaned: [SandboxEntry] { entries.filter { $0.state == .orphaned } }

    /// The line a run prints when the server holds sandboxes nobody owns any more; nil
    /// when it holds none. Kept ones are counted too, and said so: they are left behind all
    /// the same.
    public func orphanNotice(redactedURI: String) -> String? {
        let orphans = orphaned
        guard !orphans.isEmpty else { return nil }
        let kept = orphans.filter { $0.owner?.kept == true }.count
        let count = orphans.count == 1 ? "1 sandbox on this server has" : "\(orphans.count) sandboxes on this server have"
        let keptNote = kept == 0 ? "" : " (\(kept) kept with --keep-databases)"
        return "\(count) no living owner\(keptNote): preflight sandboxes --uri '\(redactedURI)' --prune"
    }
}
