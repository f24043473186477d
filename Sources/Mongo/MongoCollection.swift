import CMongoC

/// A collection on a borrowed client. Each operation takes `options` spelled as the
/// server's command fields and an optional session, and throws `MongoError`.
public struct MongoCollection {
    let client: MongoClient
    public let database: String
    public let name: String
    /// Where this collection's reads go; nil for the client's (the URI's, else primary).
    public var readPreference: ReadPreference?

    /// Lends libmongoc's collection handle for one operation.
    func withHandle<T>(_ body: (OpaquePointer) throws(MongoError) -> T) throws(MongoError) -> T {
        let (handle, owned) = try borrowHandle()
        defer { if owned { mongoc_collection_destroy(handle) } }
        return try body(handle)
    }

    /// The client's kept handle for this collection, or, with a read preference of its
    /// own (which the handle would carry), a new one: `owned` says the caller destroys it.
    func borrowHandle() throws(MongoError) -> (handle: OpaquePointer, owned: Bool) {
        if readPreference == nil, let handles = client.handles {
            guard let handle = handles.handle(database: database, name: name) else {
                throw MongoError(kind: .client, message: "libmongoc could not open collection \(database).\(name).")
            }
            return (handle, false)
        }
        return (try makeHandle(), true)
    }

    /// A new collection handle the caller must destroy, carrying the read preference.
    func makeHandle() throws(MongoError) -> OpaquePointer {
        guard let handle = mongoc_client_get_collection(client.pointer, database, name) else {
            throw MongoError(kind: .client, message: "libmongoc could not open collection \(database).\(name).")
        }
        if let readPreference {
            // The handle copies it; reads with no read preference of their own take it.
            do {
                let prefs = try readPreference.makeReadPrefs()
                defer { mongoc_read_prefs_destroy(prefs) }
                mongoc_collection_set_read_prefs(handle, prefs)
            } catch {
                mongoc_collection_destroy(handle)
                throw error
            }
        }
        return handle
    }

    /// Builds the `bson_t`s for an operation's arguments and options, lends them, destroys
    /// them. The options are NULL when there are none and no session, as libmongoc allows.
    func withArguments<T>(
        _ documents: [BSONDocument], options: BSONDocument, session: ClientSession?,
        _ body: ([OpaquePointer], OpaquePointer?) throws(MongoError) -> T
    ) throws(MongoError) -> T {
        var pointers: [OpaquePointer] = []
        defer { pointers.forEach { bson_destroy($0) } }
        for document in documents {
            pointers.append(try document.makeBSON())
        }
        let opts = try OperationOptions(options, session: session).makeBSONIfAny()
        defer { if let opts { bson_destroy(opts) } }
        return try body(pointers, opts)
    }

    /// An update is a document of operators or an aggregation pipeline (an array).
    static func makeUpdateBSON(_ update: BSON) throws(MongoError) -> OpaquePointer {
        switch update {
        case .document(let document): return try document.makeBSON()
        case .array(let stages): return try BSONDocument.makeArrayBSON(stages)
        default:
            throw MongoError(
                kind: .client, message: "An update must be a document or a pipeline array, not \(update.typeAlias).")
        }
    }
}
