import CMongoC

/// A client borrowed from a `ConnectionPool`: one thread at a time, never kept past
/// the `withClient` call that lent it.
public struct MongoClient {
    let pointer: OpaquePointer
    /// Handles kept while the client is lent; nil makes one per operation.
    let handles: CollectionHandles?

    init(_ pointer: OpaquePointer, handles: CollectionHandles? = nil) {
        self.pointer = pointer
        self.handles = handles
    }

    /// A collection handle; cheap, holds no connection.
    public func collection(_ name: String, in database: String, readPreference: ReadPreference? = nil) -> MongoCollection {
        MongoCollection(client: self, database: database, name: name, readPreference: readPreference)
    }

    /// Runs any command on `database`, as written (the command name must come first).
    /// - Returns: the server's reply.
    /// - Throws: `MongoError`, with the server's code, codeName, labels and reply.
    @discardableResult
    public func runCommand(_ command: BSONDocument, on database: String, session: ClientSession? = nil)
        throws(MongoError) -> BSONDocument
    {
        let commandBSON = try command.makeBSON()
        defer { bson_destroy(commandBSON) }
        let opts = try OperationOptions([:], session: session).makeBSON()
        defer { bson_destroy(opts) }
        return try checkedReply { reply, error in
            mongoc_client_command_with_opts(pointer, database, commandBSON, nil, opts, reply, error)
        }
    }

    /// Runs a command that only reads, on a member `readPreference` chooses.
    public func runReadCommand(
        _ command: BSONDocument, on database: String, readPreference: ReadPreference, session: ClientSession? = nil
    ) throws(MongoError) -> BSONDocument {
        let commandBSON = try command.makeBSON()
        defer { bson_destroy(commandBSON) }
        let opts = try OperationOptions([:], session: session).makeBSON()
        defer { bson_destroy(opts) }
        let prefs = try readPreference.makeReadPrefs()
        defer { mongoc_read_prefs_destroy(prefs) }
        return try checkedReply { reply, error in
            mongoc_client_read_command_with_opts(pointer, database, commandBSON, prefs, opts, reply, error)
        }
    }

    /// Starts a logical session; end it with `end()` before the client goes back to the pool.
    public func startSession(causalConsistency: Bool = true) throws(MongoError) -> ClientSession {
        guard let opts = mongoc_session_opts_new() else {
            throw MongoError(kind: .client, message: "libmongoc could not allocate session options.")
        }
        defer { mongoc_session_opts_destroy(opts) }
        mongoc_session_opts_set_causal_consistency(opts, causalConsistency)
        var error = bson_error_t()
        guard let session = mongoc_client_start_session(pointer, opts, &error) else {
            throw MongoError(error)
        }
        return ClientSession(session)
    }

    /// Lends a new session to `body` and ends it afterwards, aborting any transaction left open.
    public func withSession<T>(_ body: (ClientSession) throws -> T) throws -> T {
        let session = try startSession()
        defer { session.end() }
        return try body(session)
    }

    /// `listDatabases` names, for checking that a sandbox name is free.
    public func databaseNames() throws(MongoError) -> [String] {
        let reply = try runCommand(["listDatabases": 1, "nameOnly": true], on: "admin")
        return reply["databases"]?.arrayValue?.compactMap { $0.documentValue?["name"]?.stringValue } ?? []
    }

    /// Drops a whole database.
    public func dropDatabase(_ name: String) throws(MongoError) {
        try runCommand(["dropDatabase": 1], on: name)
    }
}
