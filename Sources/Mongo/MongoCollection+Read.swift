import CMongoC

extension MongoCollection {
    /// Runs a find and lends its cursor to `body`.
    /// - Parameter options: `sort`, `projection`, `skip`, `limit`, `hint`, `batchSize`, …
    public func withFind<T>(
        _ filter: BSONDocument = [:], options: BSONDocument = [:], session: ClientSession? = nil,
        _ body: (MongoCursor) throws -> T
    ) throws -> T {
        let cursor = try openCursor(session: session) { handle, opts in
            let filterBSON = try filter.makeBSON()
            defer { bson_destroy(filterBSON) }
            return mongoc_collection_find_with_opts(handle, filterBSON, try opts(options), nil)
        }
        return try body(cursor)
    }

    /// Runs a find and returns every document.
    public func find(_ filter: BSONDocument = [:], options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> [BSONDocument]
    {
        try narrowed { try withFind(filter, options: options, session: session) { try $0.all() } }
    }

    /// Runs an aggregation and lends its cursor to `body`.
    /// - Parameter options: `allowDiskUse`, `batchSize`, `hint`, `let`, …
    public func withAggregate<T>(
        _ pipeline: [BSON], options: BSONDocument = [:], session: ClientSession? = nil,
        _ body: (MongoCursor) throws -> T
    ) throws -> T {
        let cursor = try openCursor(session: session) { handle, opts in
            let command: BSONDocument = ["pipeline": .array(pipeline)]
            let pipelineBSON = try command.makeBSON()
            defer { bson_destroy(pipelineBSON) }
            return mongoc_collection_aggregate(handle, MONGOC_QUERY_NONE, pipelineBSON, try opts(options), nil)
        }
        return try body(cursor)
    }

    /// Runs an aggregation and returns every document.
    public func aggregate(_ pipeline: [BSON], options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> [BSONDocument]
    {
        try narrowed { try withAggregate(pipeline, options: options, session: session) { try $0.all() } }
    }

    /// Every index of the collection, as `listIndexes` reports them.
    public func listIndexes(session: ClientSession? = nil) throws(MongoError) -> [BSONDocument] {
        try narrowed {
            let cursor = try openCursor(session: session) { handle, opts in
                mongoc_collection_find_indexes_with_opts(handle, try opts([:]))
            }
            return try cursor.all()
        }
    }

    /// Runs `body`, whose closures throw untyped errors, where only `MongoError` can occur.
    private func narrowed<T>(_ body: () throws -> T) throws(MongoError) -> T {
        do {
            return try body()
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(kind: .client, message: "\(error)")
        }
    }

    /// Opens a cursor, handing `open` the collection handle and a function that makes the
    /// opts `bson_t` (kept alive until the cursor is created; libmongoc copies it), or
    /// NULL when there are no options and no session.
    private func openCursor(
        session: ClientSession?,
        _ open: (OpaquePointer, (BSONDocument) throws -> OpaquePointer?) throws -> OpaquePointer?
    ) throws -> MongoCursor {
        let (handle, owned) = try borrowHandle()
        var made: [OpaquePointer] = []
        defer { made.forEach { bson_destroy($0) } }
        let pointer: OpaquePointer?
        do {
            pointer = try open(handle) { options in
                let opts = try OperationOptions(options, session: session).makeBSONIfAny()
                if let opts { made.append(opts) }
                return opts
            }
        } catch {
            if owned { mongoc_collection_destroy(handle) }
            throw error
        }
        guard let pointer else {
            if owned { mongoc_collection_destroy(handle) }
            throw MongoError(kind: .client, message: "libmongoc could not open a cursor on \(database).\(name).")
        }
        // A cursor that failed at once (bad options; an aggregate's first batch) carries the
        // error and the server's reply, whose labels a transaction retry needs.
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_cursor_error_document(pointer, &error, &reply) {
            let failure = MongoError(error, reply: reply.flatMap { try? BSONDocument(copying: $0) })
            mongoc_cursor_destroy(pointer)
            if owned { mongoc_collection_destroy(handle) }
            throw failure
        }
        return MongoCursor(cursor: pointer, collection: owned ? handle : nil)
    }

    /// The number of documents matching `filter` (the CRUD spec's countDocuments: an
    /// aggregation, so it is exact and honours sessions and transactions).
    /// - Parameter options: `skip`, `limit`, `hint`, …
    public func countDocuments(_ filter: BSONDocument = [:], options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> Int64
    {
        try withHandle { (handle) throws(MongoError) in
            try withArguments([filter], options: options, session: session) { (arguments, opts) throws(MongoError) in
                var error = bson_error_t()
                let (count, reply) = try ReplyStorage.capture { reply in
                    mongoc_collection_count_documents(handle, arguments[0], opts, nil, reply, &error)
                }
                guard count >= 0 else { throw MongoError(error, reply: reply) }
                return count
            }
        }
    }

    /// The collection's document count from its metadata (the CRUD spec's
    /// estimatedDocumentCount: the `count` command without a filter; fast, and not exact
    /// after an unclean shutdown or on a sharded cluster with orphans).
    /// - Parameter options: `comment`, `maxTimeMS`.
    public func estimatedDocumentCount(options: BSONDocument = [:], session: ClientSession? = nil) throws(MongoError) -> Int64 {
        try withHandle { (handle) throws(MongoError) in
            try withArguments([], options: options, session: session) { (_, opts) throws(MongoError) in
                var error = bson_error_t()
                let (count, reply) = try ReplyStorage.capture { reply in
                    mongoc_collection_estimated_document_count(handle, opts, nil, reply, &error)
                }
                guard count >= 0 else { throw MongoError(error, reply: reply) }
                return count
            }
        }
    }

    /// The distinct values of `key` among documents matching `filter`.
    public func distinct(_ key: String, filter: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> [BSON]
    {
        let reply = try client.runCommand(
            ["distinct": .string(name), "key": .string(key), "query": .document(filter)], on: database,
            session: session)
        return reply["values"]?.arrayValue ?? []
    }
}
