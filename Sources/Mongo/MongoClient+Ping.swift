import CMongoC

extension MongoClient {
    /// Sends `ping` to the nearest member of the deployment, primary or not: whether the
    /// server answers at all. A replica set electing a primary has none for seconds, and
    /// that is not a server that went away.
    /// - Throws: `MongoError` when no member answers within the pool's server selection timeout.
    public func pingAnyMember() throws(MongoError) {
        let command = try (["ping": 1] as BSONDocument).makeBSON()
        defer { bson_destroy(command) }
        guard let nearest = mongoc_read_prefs_new(MONGOC_READ_NEAREST) else {
            throw MongoError(kind: .client, message: "libmongoc could not allocate a read preference.")
        }
        defer { mongoc_read_prefs_destroy(nearest) }
        _ = try checkedReply { reply, error in
            mongoc_client_command_with_opts(pointer, "admin", command, nearest, nil, reply, error)
        }
    }
}
