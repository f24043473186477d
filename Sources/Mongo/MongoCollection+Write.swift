import CMongoC

extension MongoCollection {
    /// Inserts one document. An `_id` is generated first when the document has none, so
    /// the id that was stored can be reported.
    @discardableResult
    public func insertOne(_ document: BSONDocument, options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> InsertOneResult
    {
        let document = Self.withID(document)
        try withHandle { (handle) throws(MongoError) in
            try withArguments([document], options: options, session: session) { (arguments, opts) throws(MongoError) in
                try checkedIgnoringReply { reply, error in
                    mongoc_collection_insert_one(handle, arguments[0], opts, reply, error)
                }
            }
        }
        return InsertOneResult(insertedID: document["_id"] ?? .null)
    }

    /// Inserts documents in one batch (`ordered` in `options`, true by default).
    @discardableResult
    public func insertMany(_ documents: [BSONDocument], options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> InsertManyResult
    {
        guard !documents.isEmpty else {
            throw MongoError(kind: .client, message: "insertMany needs at least one document.")
        }
        let documents = documents.map(Self.withID)
        let reply = try withHandle { (handle) throws(MongoError) in
            try withArguments(documents, options: options, session: session) { (arguments, opts) throws(MongoError) in
                var pointers: [OpaquePointer?] = arguments
                return try checkedReply { reply, error in
                    pointers.withUnsafeMutableBufferPointer { buffer in
                        mongoc_collection_insert_many(handle, buffer.baseAddress, buffer.count, opts, reply, error)
                    }
                }
            }
        }
        return InsertManyResult(
            insertedIDs: documents.map { $0["_id"] ?? .null },
            insertedCount: reply["insertedCount"]?.integerValue ?? Int64(documents.count))
    }

    @discardableResult
    public func updateOne(
        filter: BSONDocument, update: BSON, options: BSONDocument = [:], session: ClientSession? = nil
    ) throws(MongoError) -> UpdateResult {
        try runUpdate(filter: filter, update: update, options: options, session: session, call: mongoc_collection_update_one)
    }

    @discardableResult
    public func updateMany(
        filter: BSONDocument, update: BSON, options: BSONDocument = [:], session: ClientSession? = nil
    ) throws(MongoError) -> UpdateResult {
        try runUpdate(filter: filter, update: update, options: options, session: session, call: mongoc_collection_update_many)
    }

    @discardableResult
    public func replaceOne(
        filter: BSONDocument, replacement: BSONDocument, options: BSONDocument = [:], session: ClientSession? = nil
    ) throws(MongoError) -> UpdateResult {
        try runUpdate(
            filter: filter, update: .document(replacement), options: options, session: session,
            call: mongoc_collection_replace_one)
    }

    private typealias UpdateCall = (
        OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?,
        UnsafeMutablePointer<bson_error_t>?
    ) -> Bool

    private func runUpdate(
        filter: BSONDocument, update: BSON, options: BSONDocument, session: ClientSession?, call: UpdateCall
    ) throws(MongoError) -> UpdateResult {
        let updateBSON = try Self.makeUpdateBSON(update)
        defer { bson_destroy(updateBSON) }
        let reply = try withHandle { (handle) throws(MongoError) in
            try withArguments([filter], options: options, session: session) { (arguments, opts) throws(MongoError) in
                try checkedReply { reply, error in call(handle, arguments[0], updateBSON, opts, reply, error) }
            }
        }
        return UpdateResult(reply: reply)
    }

    @discardableResult
    public func deleteOne(filter: BSONDocument, options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> DeleteResult
    {
        try runDelete(filter: filter, options: options, session: session, call: mongoc_collection_delete_one)
    }

    @discardableResult
    public func deleteMany(filter: BSONDocument, options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> DeleteResult
    {
        try runDelete(filter: filter, options: options, session: session, call: mongoc_collection_delete_many)
    }

    private typealias DeleteCall = (
        OpaquePointer?, OpaquePointer?, OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<bson_error_t>?
    ) -> Bool

    private func runDelete(filter: BSONDocument, options: BSONDocument, session: ClientSession?, call: DeleteCall)
        throws(MongoError) -> DeleteResult
    {
        let reply = try withHandle { (handle) throws(MongoError) in
            try withArguments([filter], options: options, session: session) { (arguments, opts) throws(MongoError) in
                try checkedReply { reply, error in call(handle, arguments[0], opts, reply, error) }
            }
        }
        return DeleteResult(deletedCount: reply["deletedCount"]?.integerValue ?? 0)
    }

    /// The document with an `_id` first: its own, or a new ObjectId.
    static func withID(_ document: BSONDocument) -> BSONDocument {
        guard !document.contains("_id") else { return document }
        var copy = document
        copy.prepend("_id", .objectID(ObjectID()))
        return copy
    }
}
