import CMongoC

// The one place where libmongoc's errors become `MongoError`. With error API version 2
// (set on every pool), server-side errors arrive in the MONGOC_ERROR_SERVER domain and
// write concern errors in MONGOC_ERROR_WRITE_CONCERN, with the server's code.

extension MongoError {
    /// Builds the error from libmongoc's `bson_error_t` and the server reply, if any.
    init(_ error: bson_error_t, reply: BSONDocument? = nil) {
        let message = withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let reply = reply.flatMap { $0.isEmpty ? nil : $0 }
        let labels = reply?["errorLabels"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let code = Int32(bitPattern: error.code)

        switch error.domain {
        case MONGOC_ERROR_SERVER.rawValue:
            if let writeError = reply?["writeErrors"]?.arrayValue?.first?.documentValue {
                self.init(
                    kind: .write, code: writeError["code"]?.integerValue.map { Int32(truncatingIfNeeded: $0) } ?? code,
                    codeName: writeError["codeName"]?.stringValue,
                    message: writeError["errmsg"]?.stringValue ?? message, labels: labels, reply: reply)
            } else {
                self.init(
                    kind: .server, code: code, codeName: reply?["codeName"]?.stringValue, message: message,
                    labels: labels, reply: reply)
            }
        case MONGOC_ERROR_WRITE_CONCERN.rawValue:
            // A command reply has `writeConcernError`; a write's reply, `writeConcernErrors`.
            let concernError = reply?["writeConcernError"]?.documentValue
                ?? reply?["writeConcernErrors"]?.arrayValue?.first?.documentValue
            self.init(
                kind: .writeConcern, code: code, codeName: concernError?["codeName"]?.stringValue,
                message: message, labels: labels, reply: reply)
        // The rest are libmongoc's own codes, not the server's: kept apart as driverCode.
        case MONGOC_ERROR_STREAM.rawValue, MONGOC_ERROR_PROTOCOL.rawValue:
            self.init(kind: .network, message: message, labels: labels, reply: reply, driverCode: error.code)
        case MONGOC_ERROR_SERVER_SELECTION.rawValue:
            self.init(kind: .serverSelection, message: message, labels: labels, reply: reply, driverCode: error.code)
        default:
            self.init(kind: .client, message: message, labels: labels, reply: reply, driverCode: error.code)
        }
    }
}

/// Runs a libmongoc call that reports failure through `bson_error_t` and a reply.
///
/// - Returns: the reply, when `body` returned true.
/// - Throws: the `MongoError` built from the error and reply, when it returned false.
func checkedReply(_ body: (OpaquePointer, UnsafeMutablePointer<bson_error_t>) -> Bool) throws(MongoError)
    -> BSONDocument
{
    var error = bson_error_t()
    let (succeeded, reply) = try ReplyStorage.capture { reply in body(reply, &error) }
    guard succeeded else { throw MongoError(error, reply: reply) }
    return reply
}

/// The same for a call whose reply matters only when it failed (an `insertOne`'s counts
/// say nothing its success does not): the reply is read into a document only then.
func checkedIgnoringReply(_ body: (OpaquePointer, UnsafeMutablePointer<bson_error_t>) -> Bool) throws(MongoError) {
    var error = bson_error_t()
    let (_, failure) = try ReplyStorage.capture({ reply in body(reply, &error) }) { (succeeded, reply) throws(MongoError) -> MongoError? in
        succeeded ? nil : MongoError(error, reply: try BSONDocument(copying: reply))
    }
    if let failure { throw failure }
}

/// Runs a libmongoc call that reports failure through `bson_error_t` alone.
func checked(_ body: (UnsafeMutablePointer<bson_error_t>) -> Bool) throws(MongoError) {
    var error = bson_error_t()
    guard body(&error) else { throw MongoError(error) }
}
