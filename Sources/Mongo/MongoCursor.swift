import CMongoC

/// A server cursor read batch by batch: memory holds one batch, whatever the result size.
///
/// Lent by `MongoCollection.withFind` / `withAggregate`; it must not escape that call.
public final class MongoCursor {
    private let cursor: OpaquePointer
    /// The collection handle, when the cursor owns it (else the client keeps it).
    private let collection: OpaquePointer?

    init(cursor: OpaquePointer, collection: OpaquePointer?) {
        self.cursor = cursor
        self.collection = collection
    }

    deinit {
        mongoc_cursor_destroy(cursor)
        if let collection { mongoc_collection_destroy(collection) }
    }

    /// The next document, or nil at the end.
    /// - Throws: `MongoError` when the server or the connection fails mid-stream.
    public func next() throws(MongoError) -> BSONDocument? {
        var document: OpaquePointer?
        if mongoc_cursor_next(cursor, &document), let document {
            return try BSONDocument(copying: document)
        }
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_cursor_error_document(cursor, &error, &reply) {
            throw MongoError(error, reply: reply.flatMap { try? BSONDocument(copying: $0) })
        }
        return nil
    }

    /// Every remaining document. Use `next()` instead when the result may be large.
    public func all() throws(MongoError) -> [BSONDocument] {
        var documents: [BSONDocument] = []
        while let document = try next() {
            documents.append(document)
        }
        return documents
    }
}
