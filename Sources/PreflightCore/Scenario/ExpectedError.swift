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
}
