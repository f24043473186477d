import CMongoC

extension MongoCollection {
    /// Updates the first document matching `filter` (in `sort` order) and returns it, as it
    /// was before or after the update; nil when nothing matched and nothing was upserted.
    public func findOneAndUpdate(
        filter: BSONDocument, update: BSON, sort: BSONDocument? = nil, projection: BSONDocument? = nil,
        upsert: Bool = false, returnDocument: ReturnDocument = .before, extra: BSONDocument = [:], session: ClientSession? = nil
    ) throws(MongoError) -> BSONDocument? {
        try findAndModify(
            filter: filter, update: update, sort: sort, projection: projection, upsert: upsert,
            returnDocument: returnDocument, remove: false, extra: extra, session: session)
    }

    /// Replaces the first document matching `filter` and returns it, before or after.
    public func findOneAndReplace(
        filter: BSONDocument, replacement: BSONDocument, sort: BSONDocument? = nil, projection: BSONDocument? = nil,
        upsert: Bool = false, returnDocument: ReturnDocument = .before, extra: BSONDocument = [:], session: ClientSession? = nil
    ) throws(MongoError) -> BSONDocument? {
        try findAndModify(
            filter: filter, update: .document(replacement), sort: sort, projection: projection, upsert: upsert,
            returnDocument: returnDocument, remove: false, extra: extra, session: session)
    }

    /// Deletes the first document matching `filter` and returns it.
    public func findOneAndDelete(
        filter: BSONDocument, sort: BSONDocument? = nil, projection: BSONDocument? = nil, extra: BSONDocument = [:],
        session: ClientSession? = nil
    ) throws(MongoError) -> BSONDocument? {
        try findAndModify(
            filter: filter, update: nil, sort: sort, projection: projection, upsert: false, returnDocument: .before,
            remove: true, extra: extra, session: session)
    }

    private func findAndModify(
        filter: BSONDocument, update: BSON?, sort: BSONDocument?, projection: BSONDocument?, upsert: Bool,
        returnDocument: ReturnDocument, remove: Bool, extra: BSONDocument, session: ClientSession?
    ) throws(MongoError) -> BSONDocument? {
        guard let opts = mongoc_find_and_modify_opts_new() else {
            throw MongoError(kind: .client, message: "libmongoc could not allocate findAndModify options.")
        }
        defer { mongoc_find_and_modify_opts_destroy(opts) }
        var owned: [OpaquePointer] = []
        defer { owned.forEach { bson_destroy($0) } }

        if let update {
            let updateBSON = try Self.makeUpdateBSON(update)
            owned.append(updateBSON)
            mongoc_find_and_modify_opts_set_update(opts, updateBSON)
        }
        if let sort {
            let sortBSON = try sort.makeBSON()
            owned.append(sortBSON)
            mongoc_find_and_modify_opts_set_sort(opts, sortBSON)
        }
        if let projection {
            let fieldsBSON = try projection.makeBSON()
            owned.append(fieldsBSON)
            mongoc_find_and_modify_opts_set_fields(opts, fieldsBSON)
        }
        var flags = MONGOC_FIND_AND_MODIFY_NONE.rawValue
        if remove { flags |= MONGOC_FIND_AND_MODIFY_REMOVE.rawValue }
        if upsert { flags |= MONGOC_FIND_AND_MODIFY_UPSERT.rawValue }
        if returnDocument == .after { flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW.rawValue }
        mongoc_find_and_modify_opts_set_flags(opts, mongoc_find_and_modify_flags_t(rawValue: flags))
        // The other command fields (hint, collation, let, arrayFilters, comment, …) and the
        // session travel in the "extra" fields, appended to the command as written.
        let extraBSON = try OperationOptions(extra, session: session).makeBSON()
        owned.append(extraBSON)
        mongoc_find_and_modify_opts_append(opts, extraBSON)

        let filterBSON = try filter.makeBSON()
        owned.append(filterBSON)
        let reply = try withHandle { (handle) throws(MongoError) in
            try checkedReply { reply, error in
                mongoc_collection_find_and_modify_with_opts(handle, filterBSON, opts, reply, error)
            }
        }
        return reply["value"]?.documentValue
    }
}
