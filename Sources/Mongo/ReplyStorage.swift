import CMongoC

/// Storage for the "uninitialized `bson_t *reply`" argument that many libmongoc calls fill in.
///
/// `bson_new` cannot serve: libmongoc re-initializes the reply, which would leak the
/// heap-allocated struct. So the struct lives in 128-byte-aligned raw memory that is
/// initialized empty first (so that destroying it is valid even if libmongoc never wrote
/// it) and destroyed, then freed, once the reply has been copied out.
enum ReplyStorage {
    /// Lends an empty reply to `body`, then returns `body`'s result and the reply's contents.
    static func capture<T>(_ body: (OpaquePointer) -> T) throws(MongoError) -> (T, BSONDocument) {
        try capture(body) { _, reply throws(MongoError) in try BSONDocument(copying: reply) }
    }

    /// Lends an empty reply to `body`, then returns its result and what `read` makes of
    /// the result and the reply.
    static func capture<T, R>(_ body: (OpaquePointer) -> T, read: (T, OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> (T, R) {
        // On the heap, not the stack: libbson allocates its documents 128-aligned, and
        // the chunk this one frees is the next one's (a stack reply left every `bson_new`
        // to carve an aligned chunk of its own, which cost what the stack saved).
        let raw = UnsafeMutableRawPointer.allocate(byteCount: cmongoc_bson_size(), alignment: 128)
        defer { raw.deallocate() }
        let reply = OpaquePointer(raw)
        bson_init(reply)
        defer { bson_destroy(reply) }
        let result = body(reply)
        return (result, try read(result, reply))
    }
}
