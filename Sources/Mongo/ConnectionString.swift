import CMongoC

/// What a connection string says beyond where the server is.
public enum ConnectionString {
    /// The database named in the path (`mongodb://host/earlybird` → `earlybird`), or nil
    /// when there is none. Read with libmongoc's own parser, so percent-encoding and
    /// options are handled as the driver handles them.
    /// - Throws: `MongoError` of kind `.client` for a malformed connection string.
    public static func database(of uriString: String) throws(MongoError) -> String? {
        let uri = try parse(uriString)
        defer { mongoc_uri_destroy(uri) }
        guard let name = mongoc_uri_get_database(uri) else { return nil }
        let database = String(cString: name)
        return database.isEmpty ? nil : database
    }

    /// libmongoc's parsed URI, for the caller to destroy.
    /// - Throws: `MongoError` of kind `.client` for a malformed connection string.
    static func parse(_ uriString: String) throws(MongoError) -> OpaquePointer {
        initializeLibmongoc()
        // Before anything can fail: libmongoc's messages may quote pieces of the string.
        SecretValues.shared.addCredentials(of: uriString)
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(uriString, &error) else {
            throw MongoError(
                kind: .client,
                message: "The connection string \(URIRedaction.redact(uriString)) is not valid: \(MongoError(error).message)")
        }
        return uri
    }
}
