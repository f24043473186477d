/// Every failure that reaches Preflight from MongoDB or from libmongoc, in one shape.
///
/// The server's own facts are kept as it sent them (code, codeName, labels, reply) so
/// that a scenario's `expectError` can be checked against exactly what happened.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The server answered a command with `ok: 0`.
        case server
        /// A write was rejected document by document (`writeErrors`), e.g. a duplicate key.
        case write
        /// The write was applied but the write concern was not satisfied.
        case writeConcern
        /// The connection failed or was closed mid-operation.
        case network
        /// No suitable server was found in time.
        case serverSelection
        /// The driver refused before sending anything: bad URI, bad argument, bad state.
        case client
    }

    public var kind: Kind
    /// The server's error code; nil when the server sent none (network, server selection
    /// and client errors), so that it is never mistaken for one.
    public var code: Int32?
    /// libmongoc's own error code for errors raised in the driver (`mongoc-error.h`).
    public var driverCode: UInt32?
    /// The name MongoDB gives `code` (`DuplicateKey` for 11000), from the reply or the
    /// table of known codes.
    public var codeName: String?
    public var message: String
    public var labels: [String]
    /// The server's reply, when there was one.
    public var reply: BSONDocument?

    public init(
        kind: Kind, code: Int32? = nil, codeName: String? = nil, message: String, labels: [String] = [],
        reply: BSONDocument? = nil, driverCode: UInt32? = nil
    ) {
        self.kind = kind
        self.code = code
        self.driverCode = driverCode
        self.codeName = codeName ?? code.flatMap(ServerErrorCodes.name(for:))
        self.message = message
        self.labels = labels
        self.reply = reply
    }

    public func hasLabel(_ label: String) -> Bool {
        labels.contains(label)
    }

    public var description: String {
        var text = message
        if let code {
            text += " (\(codeName.map { "\($0), " } ?? "")code \(code))"
        }
        return text
    }
}
