import Mongo

/// Holds a failed operation to its `expectError`.
enum ErrorExpectation {
    /// - Returns: what did not hold, or nil when the error is the one expected.
    /// - Parameter action: the operation that failed, whose partial result `result` matches.
    static func check(_ error: MongoError, against expected: ExpectedError, action: OperationAction? = nil, scope: VariableScope) throws -> String? {
        let isClientError = [.client, .network, .serverSelection].contains(error.kind)
        if let wanted = expected.isClientError, wanted != isClientError {
            return wanted
                ? "expected a client-side error, got a server error: \(error.message)"
                : "expected a server error, got a client-side error: \(error.message)"
        }
        if let code = expected.code, error.code != code {
            return "expected error code \(code), got \(error.code.map(String.init) ?? "none"): \(error.message)"
        }
        if let codeName = expected.codeName, error.codeName != codeName {
            return "expected error \(codeName), got \(error.codeName ?? error.code.map { "code \($0)" } ?? "an error without a code"): \(error.message)"
        }
        if let contains = expected.contains, !error.message.lowercased().contains(contains.lowercased()) {
            return "expected an error message containing \"\(contains)\", got \"\(error.message)\""
        }
        for label in expected.labels where !error.hasLabel(label) {
            return "expected the error label \(label), got [\(error.labels.joined(separator: ", "))]"
        }
        for label in expected.labelsOmit where error.hasLabel(label) {
            return "expected no error label \(label), got [\(error.labels.joined(separator: ", "))]"
        }
        if let response = expected.response {
            let expectedResponse = try Substitution.apply(response, scope)
            // A write error's own document ({index, code, errmsg, keyValue, …}) is the
            // server's answer about it; the command's reply around it says `ok: 1`.
            let reply = error.kind == .write
                ? error.reply?["writeErrors"]?.arrayValue?.first ?? error.reply.map(BSON.document)
                : error.reply.map(BSON.document)
            if let mismatch = Matcher().match(expectedResponse, reply, root: true, path: "response") {
                return "the error reply does not match: \(mismatch); the reply: \(Failures.clip(reply.map { Redaction.redact($0).extendedJSON(.relaxed) } ?? "none"))"
            }
        }
        if let result = expected.result, let action {
            let expectedResult = try Substitution.apply(result, scope)
            let partial = partialResult(of: action, reply: error.reply ?? [:])
            if let mismatch = Matcher().match(expectedResult, .document(partial), root: true, path: "result") {
                return "what the write did before it failed does not match: \(mismatch); it did: \(Failures.clip(Redaction.redact(.document(partial)).extendedJSON(.relaxed)))"
            }
        }
        return nil
    }

    /// What a failed write reports it did, in the shape of its result: libmongoc's reply for
    /// `insertMany` and the update helpers, a bulk write's counts, or the `update` command's
    /// own reply (`n`, `nModified`) for a single update sent with `sort`.
    static func partialResult(of action: OperationAction, reply: BSONDocument) -> BSONDocument {
        switch action {
        case .insertMany:
            return ["insertedCount": .int64(reply["insertedCount"]?.integerValue ?? reply["nInserted"]?.integerValue ?? 0)]
        case .bulkWrite:
            return OperationExecutor.document(BulkWriteResult(reply: reply))
        default:
            if reply["matchedCount"] == nil, reply["n"] != nil { return OperationExecutor.updateResult(commandReply: reply) }
            return OperationExecutor.document(UpdateResult(reply: reply))
        }
    }
}
