import Mongo

extension MongoError {
    /// A connection lost, or no server to select: the server may be gone.
    var lostConnection: Bool { kind == .network || kind == .serverSelection }
}
