import Mongo

/// A copy of a sandbox's collections at one moment, kept in a second database of the
/// run's own so the migration's steps never see it. The copy is made inside the server
/// (`$out`), never through Preflight's memory; where a server cannot, it is streamed a
/// batch at a time.
struct Snapshot: Sendable {
    /// The database the copies are in.
    let database: String
    /// Told apart from other snapshots in the same database: `orders__preflight_snapshot_0`.
    let number: Int
    /// The collections, counts, options and indexes at the time.
    let state: DatabaseState

    func copyName(of collection: String) -> String {
        "\(collection)__preflight_snapshot_\(number)"
    }

    /// The copy of `collection`, to read.
    func copy(of collection: String, client: MongoClient) -> MongoCollection {
        client.collection(copyName(of: collection), in: database)
    }

    /// Copies every collection of `source` into `database`.
    /// - Throws: `MongoError` when a collection can be neither copied in the server nor streamed.
    static func take(of source: String, into database: String, number: Int, client: MongoClient) throws(MongoError) -> Snapshot {
        let state = try DatabaseState.read(source, client: client)
        let snapshot = Snapshot(database: database, number: number, state: state)
        for collection in state.collections {
            let from = client.collection(collection.name, in: source)
            let to = snapshot.copy(of: collection.name, client: client)
            do {
                _ = try from.aggregate([["$match": [:]], ["$out": ["db": .string(database), "coll": .string(to.name)]]])
            } catch {
                // A server without `$out` to another database (before 4.4): stream it.
                try to.drop()
                try stream(from, into: to)
            }
        }
        return snapshot
    }

    /// Puts `database` back as it was when this snapshot was taken: collections created
    /// since are dropped, the others emptied and refilled (keeping their indexes), and
    /// any that went are created again with their options and indexes.
    func restore(into target: String, client: MongoClient) throws(MongoError) {
        let now = try DatabaseState.read(target, client: client)
        for collection in now.collections where state.collection(collection.name) == nil {
            try client.collection(collection.name, in: target).drop()
        }
        for collection in state.collections {
            let live = client.collection(collection.name, in: target)
            if now.collection(collection.name) == nil {
                try live.create(options: collection.options)
                for index in collection.indexes where index["name"]?.stringValue != "_id_" {
                    var options = index
                    options["key"] = nil
                    options["v"] = nil
                    options["ns"] = nil
                    try live.createIndex(index["key"]?.documentValue ?? [:], options: options)
                }
            } else {
                try live.deleteMany(filter: [:])
            }
            try Self.stream(copy(of: collection.name, client: client), into: live)
        }
    }

    private static func stream(_ from: MongoCollection, into to: MongoCollection) throws(MongoError) {
        do {
            try from.withFind([:], options: ["batchSize": .int32(Int32(DocumentCopy.batchSize))]) { cursor in
                var copy = DocumentCopy(into: to)
                try copy.copy(cursor)
            }
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(kind: .client, message: "\(error)")
        }
    }
}
