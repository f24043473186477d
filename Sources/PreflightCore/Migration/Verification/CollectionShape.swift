import Mongo

/// A collection's options and indexes as its server lists them (`listCollections`,
/// `listIndexes`), to create a copy that acts as the original does: a unique index or a
/// validator refuses in the copy what it would refuse in production.
struct CollectionShape {
    /// As `listCollections` gives them, without the collection's `uuid` and without its
    /// validation, which `validate` applies once the documents are in.
    var options: BSONDocument
    /// `validator`, `validationLevel`, `validationAction`.
    var validation: BSONDocument
    /// As `listIndexes` gives them, without the `_id` index every collection has.
    var indexes: [BSONDocument]

    static let validationKeys = ["validator", "validationLevel", "validationAction"]

    init(options: BSONDocument, indexes: [BSONDocument]) {
        var options = options
        options["uuid"] = nil
        // A clustered or time-series collection's own expiry: documents must not vanish
        // between the checks, as with a TTL index.
        options["expireAfterSeconds"] = nil
        var validation = BSONDocument()
        for key in Self.validationKeys {
            if let value = options[key] { validation[key] = value }
            options[key] = nil
        }
        self.options = options
        self.validation = validation
        // A clustered collection lists its `_id` index under a name of its own.
        self.indexes = indexes.filter { index in
            index["name"]?.stringValue != "_id_" && index["clustered"]?.boolValue != true
        }
    }

    /// The shape of `collection` in `database`; nil when there is no such collection.
    static func read(_ collection: String, in database: String, client: MongoClient) throws(MongoError) -> CollectionShape? {
        let reply = try client.runCommand(["listCollections": 1, "filter": ["name": .string(collection)]], on: database)
        // A view is copied as a collection of the documents it shows, as it always was: made
        // a view in the sandbox, it would show the sandbox's data, not its own.
        guard let entry = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.first?.documentValue,
            entry["type"]?.stringValue != "view"
        else { return nil }
        let indexes = try client.collection(collection, in: database).listIndexes()
        return CollectionShape(options: entry["options"]?.documentValue ?? [:], indexes: indexes)
    }

    /// Creates `target` with these options and indexes, then each of `declared` (written
    /// as a fixture's `indexes`: `key` and options) on a key and a name none of them has.
    /// A TTL index is built without its expiry: documents deleted in the middle of the
    /// checks would read as the migration's doing. An index the server cannot build (a
    /// text or hashed index on SecantusDB) is left out and said, unless it is unique: then
    /// the copy could not refuse what production refuses, and it throws.
    /// - Returns: a line for each index left out.
    func create(_ target: MongoCollection, adding declared: [BSONDocument] = []) throws(MongoError) -> [String] {
        try target.create(options: options)
        var skipped: [String] = []
        func build(_ index: BSONDocument, dropping: [String]) throws(MongoError) {
            var indexOptions = index
            for key in dropping { indexOptions[key] = nil }
            let name = index["name"]?.stringValue ?? (index["key"]?.extendedJSON(.relaxed) ?? "?")
            do {
                try target.createIndex(index["key"]?.documentValue ?? [:], options: indexOptions)
            } catch where error.kind == .server && !Self.isUnique(index) {
                // The server refused this kind of index (a lost connection is not that).
                skipped.append("the index \(name) on \(target.name) could not be built on this server (\(error.message)); the copy has none")
            } catch {
                var said = error
                said.message = "the unique index \(name) on \(target.name) could not be built on this server, so the copy would accept what production refuses: \(error.message)"
                throw said
            }
        }
        for index in indexes { try build(index, dropping: ["key", "v", "ns", "expireAfterSeconds"]) }
        let names = Set(indexes.compactMap { $0["name"]?.stringValue })
        for index in declared {
            let key = index["key"]?.documentValue ?? [:]
            // On a key, or under a name, the collection already has, the server's own index stands.
            let taken = indexes.contains { IndexMatch.sameKey(key, $0["key"]?.documentValue ?? [:], weights: $0["weights"]?.documentValue) }
                || (index["name"]?.stringValue).map(names.contains) == true
            if !taken { try build(index, dropping: ["key"]) }
        }
        return skipped
    }

    /// Whether an index is unique however its `unique` is written (`true`, `1`).
    static func isUnique(_ index: BSONDocument) -> Bool {
        guard let unique = index["unique"] else { return false }
        return unique.boolValue ?? unique.integerValue.map { $0 != 0 } ?? false
    }

    /// Applies the validation to `target` once its documents are in: production does not
    /// re-validate what was written before its validator, and neither must the copy.
    func validate(_ target: MongoCollection, client: MongoClient) throws(MongoError) {
        guard !validation.isEmpty else { return }
        var command: BSONDocument = ["collMod": .string(target.name)]
        for (key, value) in validation { command[key] = value }
        _ = try client.runCommand(command, on: target.database)
    }
}
