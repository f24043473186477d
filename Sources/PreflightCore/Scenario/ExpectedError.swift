import Mongo

/// What an `expectError` asks of a failed operation.
public struct ExpectedError: Sendable {
    public var code: Int32?
    public var codeName: String?
    /// A substring of the error message.
    public var contains: String?
    public var labels: [String]
    public var labelsOmit: [String]
    public var isClientError: Bool?
    /// Matched as a root-level document against the server's error reply.
    public var response: BSON?
    /// What a failed write did before it failed (`{"insertedCount": 2}`), matched as the
    /// step's `expect` would match its result.
    public var result: BSON? = nil

    /// The actions whose failure still reports what they wrote.
    static let partialResultActions: [OperationAction] = [.insertMany, .bulkWrite, .updateOne, .updateMany, .replaceOne]
}
