/// One command seen by libmongoc's command monitoring, copied out of the callback so it
/// can outlive it (the C event and its documents are only valid during the callback).
public struct CommandEvent: Sendable {
    public enum Outcome: Sendable {
        /// The command as sent, and the database it was sent to.
        case started(command: EventDocument, databaseName: String)
        case succeeded(reply: EventDocument, microseconds: Int64)
        case failed(message: String, reply: EventDocument, microseconds: Int64)
    }

    public var commandName: String
    /// Pairs a `started` event with its `succeeded` or `failed` one.
    public var requestID: Int64
    /// Shared by the commands of one operation (a find and its getMores).
    public var operationID: Int64
    /// `host:port` of the server the command went to.
    public var host: String
    public var outcome: Outcome
}
