import CMongoC

extension MongoCollection {
    /// Creates one index with `createIndexes`. `options` holds the index options (`name`,
    /// `unique`, `partialFilterExpression`, `expireAfterSeconds`, …); without a `name`
    /// the server's convention is used (`status_1_billed_1`).
    /// - Returns: the index's name.
    @discardableResult
    public func createIndex(_ keys: BSONDocument, options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> String
    {
        var index = options
        index.prepend("key", .document(keys))
        let name = options["name"]?.stringValue ?? Self.defaultIndexName(keys)
        index["name"] = .string(name)
        try client.runCommand(
            ["createIndexes": .string(self.name), "indexes": [.document(index)]], on: database, session: session)
        return name
    }

    /// The name the server gives an index when none is given: `field_direction` joined by `_`.
    static func defaultIndexName(_ keys: BSONDocument) -> String {
        keys.elements.map { key, value in
            let direction: String
            switch value {
            case .string(let text): direction = text
            case .double(let number): direction = Int64(exactly: number).map(String.init) ?? String(number)
            default: direction = value.integerValue.map(String.init) ?? value.extendedJSON()
            }
            return "\(key)_\(direction)"
        }.joined(separator: "_")
    }

    public func dropIndex(_ indexName: String, session: ClientSession? = nil) throws(MongoError) {
        try client.runCommand(
            ["dropIndexes": .string(name), "index": .string(indexName)], on: database, session: session)
    }

    /// Drops the collection; a collection that does not exist is already dropped.
    public func drop(session: ClientSession? = nil) throws(MongoError) {
        do {
            try client.runCommand(["drop": .string(name)], on: database, session: session)
        } catch let error where error.code == 26 {
            // NamespaceNotFound: servers before 7.0 report it, 7.0 and later succeed.
        }
    }

    /// Creates the collection; `options` are `create`'s (`validator`, `capped`, …).
    public func create(options: BSONDocument = [:], session: ClientSession? = nil) throws(MongoError) {
        var command = options
        command.prepend("create", .string(name))
        try client.runCommand(command, on: database, session: session)
    }

    /// Runs `requests` as one bulk write (`ordered` in `options`, true by default).
    @discardableResult
    public func bulkWrite(_ requests: [WriteModel], options: BSONDocument = [:], session: ClientSession? = nil)
        throws(MongoError) -> BulkWriteResult
    {
        guard !requests.isEmpty else {
            throw MongoError(kind: .client, message: "bulkWrite needs at least one request.")
        }
        // libmongoc takes bypassDocumentValidation for a bulk write through a setter, not
        // its options; the others (ordered, let, comment) are options.
        var options = options
        let bypass = options["bypassDocumentValidation"]?.boolValue
        options["bypassDocumentValidation"] = nil
        let reply = try withHandle { (handle) throws(MongoError) in
            try withArguments([], options: options, session: session) { (_, opts) throws(MongoError) in
                guard let bulk = mongoc_collection_create_bulk_operation_with_opts(handle, opts) else {
                    throw MongoError(kind: .client, message: "libmongoc could not create a bulk operation.")
                }
                defer { mongoc_bulk_operation_destroy(bulk) }
                if let bypass { mongoc_bulk_operation_set_bypass_document_validation(bulk, bypass) }
                for request in requests {
                    try Self.add(request, to: bulk)
                }
                var error = bson_error_t()
                let (serverID, reply) = try ReplyStorage.capture { reply in
                    mongoc_bulk_operation_execute(bulk, reply, &error)
                }
                guard serverID != 0 else { throw MongoError(error, reply: reply) }
                return reply
            }
        }
        return BulkWriteResult(reply: reply)
    }

    private static func add(_ request: WriteModel, to bulk: OpaquePointer) throws(MongoError) {
        // Every argument is built before the C call, so that an encoding error reaches the
        // caller as itself. libmongoc copies what it is given: the arguments go right after.
        let (documents, update) = try arguments(of: request)
        defer { (documents + [update].compactMap { $0 }).forEach { bson_destroy($0) } }
        try checked { error in
            switch request {
            case .insertOne:
                mongoc_bulk_operation_insert_with_opts(bulk, documents[0], nil, error)
            case .updateOne:
                mongoc_bulk_operation_update_one_with_opts(bulk, documents[0], update, documents[1], error)
            case .updateMany:
                mongoc_bulk_operation_update_many_with_opts(bulk, documents[0], update, documents[1], error)
            case .replaceOne:
                mongoc_bulk_operation_replace_one_with_opts(bulk, documents[0], documents[1], documents[2], error)
            case .deleteOne:
                mongoc_bulk_operation_remove_one_with_opts(bulk, documents[0], documents[1], error)
            case .deleteMany:
                mongoc_bulk_operation_remove_many_with_opts(bulk, documents[0], documents[1], error)
            }
        }
    }

    /// The request's documents as `bson_t`s in argument order, and its update if it has one.
    private static func arguments(of request: WriteModel) throws(MongoError) -> ([OpaquePointer], OpaquePointer?) {
        let documents: [BSONDocument]
        var update: BSON?
        switch request {
        case .insertOne(let document): documents = [document]
        case .updateOne(let filter, let change, let options), .updateMany(let filter, let change, let options):
            documents = [filter, options]
            update = change
        case .replaceOne(let filter, let replacement, let options): documents = [filter, replacement, options]
        case .deleteOne(let filter, let options), .deleteMany(let filter, let options): documents = [filter, options]
        }
        var made: [OpaquePointer] = []
        do {
            for document in documents { made.append(try document.makeBSON()) }
            return (made, try update.map(makeUpdateBSON))
        } catch {
            made.forEach { bson_destroy($0) }
            throw error
        }
    }
}
