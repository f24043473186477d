import Foundation
import Mongo

/// Turns a freshly started `mongod --replSet` into a one-member replica set with a
/// writable primary, so that transactions work on the scratch server.
struct ReplicaSetInitiator {
    let pool: ConnectionPool
    /// `host:port` as the member will be known; the URI's host, so the driver agrees.
    let host: String

    /// The `replSetInitiate` command for a single member.
    var command: BSONDocument {
        [
            "replSetInitiate": [
                "_id": .string(ScratchFlavor.replicaSetName),
                "members": [["_id": 0, "host": .string(host)]],
            ]
        ]
    }

    /// Initiates (a set that is already initiated is fine) and waits until `hello` reports
    /// a writable primary.
    /// - Parameter late: the error to throw if `deadline` passes first.
    func initiate(until deadline: Date, late: () -> Error) throws {
        try pool.withClient { client in
            do {
                try client.runCommand(command, on: "admin")
            } catch let error as MongoError where Self.alreadyInitiated(error) {
                // A restarted or pre-initiated set: nothing to do.
            }
            while !Self.isWritablePrimary(try client.runCommand(["hello": 1], on: "admin")) {
                guard Date() < deadline else { throw late() }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    /// mongod answers AlreadyInitialized (23) when the set has a configuration.
    static func alreadyInitiated(_ error: MongoError) -> Bool {
        error.code == 23 || error.codeName == "AlreadyInitialized"
    }

    static func isWritablePrimary(_ hello: BSONDocument) -> Bool {
        hello["isWritablePrimary"]?.boolValue == true || hello["ismaster"]?.boolValue == true
    }
}
