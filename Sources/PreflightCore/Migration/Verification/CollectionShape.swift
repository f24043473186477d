import Mongo

/// A collection's options and indexes as its server lists them (`listCollections`,
/// `listIndexes`), to create a copy that acts as the original does: a unique index or a
/// validator refuses in the copy what it would refuse in production.
struct CollectionShape {
    /// As `listCollections` gives them, without the collection's `uuid`.
    var options: BSONDocument
    /// As `listIndexes` gives them, without `_id_`, which every collection has.
    var indexes: [BSONDocument]

    /// The shape of `collection` in `database`; nil when there is no such collection.
    static func read(_ collection: String, in database: String, client: MongoClient) throws(MongoError) -> CollectionShape? {
        let reply = try client.runCommand(["listCollections": 1, "filter": ["name": .string(collection)]], on: database)
        guard let entry = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.first?.documentValue else { return nil }
        var options = entry["options"]?.documentValue ?? [:]
        options["uuid"] = nil
        let indexes = try client.collection(collection, in: database).listIndexes().filter { $0["name"]?.stringValue != "_id_" }
        return CollectionShape(options: options, indexes: indexes)
    }

    /// Creates `target` with these options and indexes, then each of `declared` (written
    /// as a fixture's `indexes`: `key` and options) on a key none of them has.
    func create(_ target: MongoCollection, adding declared: [BSONDocument] = []) throws(MongoError) {
        try target.create(options: options)
        for index in indexes {
            var indexOptions = index
            for key in ["key", "v", "ns"] { indexOptions[key] = nil }
            try target.createIndex(index["key"]?.documentValue ?? [:], options: indexOptions)
        }
        for index in declared {
            let key = index["key"]?.documentValue ?? [:]
            // On a key the collection already has, the server's own index stands.
            guard !indexes.contains(where: { IndexMatch.sameKey(key, $0["key"]?.documentValue ?? [:], weights: $0["weights"]?.documentValue) }) else {
                continue
            }
            var indexOptions = index
            indexOptions["key"] = nil
            try target.createIndex(key, options: indexOptions)
        }
    }
}
