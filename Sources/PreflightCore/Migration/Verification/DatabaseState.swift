import Mongo

/// What a database held at one moment, apart from its documents: each collection with
/// its document count, options and indexes. Small enough to keep in memory whatever the
/// collections' size; the documents themselves are copied inside the server (`Snapshot`).
struct DatabaseState: Sendable {
    struct Collection: Sendable {
        var name: String
        var count: Int64
        /// `create` options as `listCollections` reports them (validator, collation, …).
        var options: BSONDocument
        var indexes: [BSONDocument]
    }

    var collections: [Collection]

    var names: [String] { collections.map(\.name) }

    func collection(_ name: String) -> Collection? {
        collections.first { $0.name == name }
    }

    var documentCount: Int64 { collections.reduce(0) { $0 + $1.count } }

    /// Whether `collection` sorts strings by a default collation of its own.
    func isCollated(_ collection: String) -> Bool {
        self.collection(collection)?.options["collation"] != nil
    }

    /// Reads the collections of `database` (views and the server's `system.*` left out).
    static func read(_ database: String, client: MongoClient) throws(MongoError) -> DatabaseState {
        let reply = try client.runCommand(["listCollections": 1], on: database)
        var infos = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.compactMap(\.documentValue) ?? []
        if let id = reply["cursor"]?.documentValue?["id"]?.integerValue, id != 0 {
            // Thousands of collections: read the rest of the cursor.
            var cursorID = id
            while cursorID != 0 {
                let more = try client.runCommand(["getMore": .int64(cursorID), "collection": "$cmd.listCollections"], on: database)
                infos += more["cursor"]?.documentValue?["nextBatch"]?.arrayValue?.compactMap(\.documentValue) ?? []
                cursorID = more["cursor"]?.documentValue?["id"]?.integerValue ?? 0
            }
        }
        var collections: [Collection] = []
        for info in infos {
            guard let name = info["name"]?.stringValue, !name.hasPrefix("system."),
                (info["type"]?.stringValue ?? "collection") == "collection"
            else { continue }
            let handle = client.collection(name, in: database)
            collections.append(Collection(
                name: name, count: try handle.countDocuments(), options: info["options"]?.documentValue ?? [:],
                indexes: try handle.listIndexes()))
        }
        return DatabaseState(collections: collections.sorted { $0.name < $1.name })
    }
}
