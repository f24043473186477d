import Foundation
import Mongo

/// Preflight's record of the sandboxes it made on a server: the database
/// `preflight_sandboxes`, one document per sandbox (`_id` the sandbox's name) naming its
/// owner and lease (`SandboxOwner`). `preflight sandboxes --prune` drops a `pf_…` database
/// only on the word of its record, so a run killed with `kill -9` leaves nothing that
/// cannot be cleaned up, and a database without a record is never touched.
///
/// Why a database of its own, and not an owner document inside each sandbox. Inside, it
/// would be lost and seen: fixtures drop the whole sandbox before every test and every
/// `repeat`, and a scenario may drop it itself (`{"command": {"dropDatabase": 1}}`), so the
/// record would be missing exactly while tests run; `listCollections` steps,
/// `expectCollections`, `dbStats`, a migration's before/after comparison of the sandbox and
/// the gate's copies would all see an extra collection; and lease renewals would write
/// into a database a test is using, racing its fixtures' drop. Here the record is written
/// before the sandbox exists, so no live sandbox is ever without one, a claim is atomic
/// (`_id` is unique), and nothing a test does can reach it. The price is one database
/// outside the sandboxes on the user's server: Preflight's own, named for it, holding only
/// these records, needing no role beyond the any-database roles sandboxes need already,
/// and dropped by the last run or prune that leaves it empty.
struct SandboxRegistry {
    static let database = "preflight_sandboxes"
    static let collection = "owners"
    /// How long a record stays good without news from its run: past it, from another
    /// machine, the run is taken for dead.
    static let lease: TimeInterval = 60
    /// How often a living run renews its leases: five renewals can be missed before one expires.
    static let renewalInterval: TimeInterval = 10

    let client: MongoClient

    private var owners: MongoCollection { client.collection(Self.collection, in: Self.database) }

    /// Records `owner` for `name`, before the sandbox is created.
    /// - Throws: `MongoError` with code 11000 when `name` is recorded already.
    func register(_ name: String, _ owner: SandboxOwner) throws(MongoError) {
        try owners.insertOne(owner.document(name: name))
    }

    /// Pushes the leases of `names` ahead. A record that went missing (another run dropped
    /// the registry as it emptied, just as this one was written) is written again; one a
    /// prune has taken over is left as it is.
    func renew(_ names: [String], _ owner: SandboxOwner) throws(MongoError) {
        guard !names.isEmpty else { return }
        let filter: BSONDocument = ["_id": ["$in": .array(names.map(BSON.string))], "runId": .string(owner.runID), "pruning": ["$exists": false]]
        let result = try owners.updateMany(filter: filter, update: ["$set": ["leaseUntil": SandboxOwner.bson(owner.leaseUntil)]])
        guard result.matchedCount < names.count else { return }
        for name in names {
            var replacement = owner.document(name: name)
            replacement["_id"] = nil
            // A record taken over by a prune matches no filter here, and the upsert's
            // insert then fails on the duplicate `_id`: it is never overwritten.
            _ = try? owners.updateOne(
                filter: ["_id": .string(name), "runId": .string(owner.runID), "pruning": ["$exists": false]],
                update: ["$set": .document(replacement)], options: ["upsert": true])
        }
    }

    /// Forgets `name`, once its sandbox is dropped.
    func release(_ name: String, runID: String) throws(MongoError) {
        try owners.deleteOne(filter: ["_id": .string(name), "runId": .string(runID)])
    }

    /// Says that the run owning `names` ended without dropping them.
    func end(_ names: [String], runID: String, kept: Bool) throws(MongoError) {
        guard !names.isEmpty else { return }
        try owners.updateMany(
            filter: ["_id": ["$in": .array(names.map(BSON.string))], "runId": .string(runID)],
            update: ["$set": ["endedAt": SandboxOwner.bson(Date()), "kept": .bool(kept)]])
    }

    /// Every record, by sandbox name; nil for one this version cannot read.
    func records() throws(MongoError) -> [String: SandboxOwner?] {
        var records: [String: SandboxOwner?] = [:]
        for document in try owners.find() {
            guard let name = document["_id"]?.stringValue else { continue }
            records[name] = SandboxOwner(document: document)
        }
        return records
    }

    /// Takes `name` over for a prune, if its record is still the one that was judged:
    /// same run, same lease. A run that renewed it meanwhile keeps it.
    /// - Returns: whether the prune may go on.
    func takeOver(_ name: String, judged owner: SandboxOwner, by pruner: String) throws(MongoError) -> Bool {
        let result = try owners.updateOne(
            filter: ["_id": .string(name), "runId": .string(owner.runID), "leaseUntil": SandboxOwner.bson(owner.leaseUntil)],
            update: ["$set": ["pruning": ["by": .string(pruner), "since": SandboxOwner.bson(Date())]]])
        return result.matchedCount == 1
    }

    /// Drops the registry when it holds no record: a server Preflight is done with is left
    /// as it was found. A run registering at that very moment may lose its record; its
    /// lease renewal writes it again within `renewalInterval`, and until then its sandbox
    /// reads as of unknown owner, which is never pruned.
    func dropIfEmpty() throws(MongoError) {
        if try owners.countDocuments() == 0 {
            try client.dropDatabase(Self.database)
        }
    }
}
