import CMongoC

/// The `opts` document libmongoc's `*_with_opts` functions take: the operation's own
/// options, spelled as the server's command fields (`upsert`, `arrayFilters`, `hint`,
/// `sort`, `projection`, `maxTimeMS`, …), plus the session's `lsid` when there is one.
struct OperationOptions {
    var fields: BSONDocument
    var session: ClientSession?

    init(_ fields: BSONDocument, session: ClientSession?) {
        self.fields = fields
        self.session = session
    }

    /// A new `bson_t` the caller must destroy, or nil when there is nothing to send:
    /// libmongoc takes no options as NULL, and a `bson_t` made and freed for nothing was
    /// an aligned allocation for nearly every operation of a file.
    func makeBSONIfAny() throws(MongoError) -> OpaquePointer? {
        fields.isEmpty && session == nil ? nil : try makeBSON()
    }

    /// A new `bson_t` the caller must destroy.
    func makeBSON() throws(MongoError) -> OpaquePointer {
        let opts = try fields.makeBSON()
        if let session {
            var error = bson_error_t()
            guard mongoc_client_session_append(session.pointer, opts, &error) else {
                bson_destroy(opts)
                throw MongoError(error)
            }
        }
        return opts
    }
}
