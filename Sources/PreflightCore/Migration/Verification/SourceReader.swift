import Foundation
import Mongo

/// A live server documents are drawn from, read-only by construction: it sends `find` and
/// `aggregate` (and the `getMore`s of their cursors), and `listCollections` and
/// `listIndexes` for a collection's shape; never a write, never a pipeline stage that
/// writes, never a command of any other kind.
public final class SourceReader: @unchecked Sendable {
    // @unchecked: the pool is thread-safe and `sent` is guarded.
    private let pool: ConnectionPool
    /// `--source-database`, or nil for each migration's own `database`.
    public let databaseOverride: String?
    private let sent: Guarded<[String: Int]>

    /// Opens a pool on `uri`; nothing is sent until the first read.
    /// - Throws: `MongoError` for a malformed URI.
    public init(uri: String, databaseOverride: String?, serverSelectionTimeoutMS: Int32? = nil) throws(MongoError) {
        let sent = Guarded<[String: Int]>([:])
        self.sent = sent
        // Production documents carry production secrets: learnt as they are read, they are
        // masked in every difference the verification reports.
        let discovery = SecretDiscovery()
        pool = try ConnectionPool(
            uri: uri, monitor: CommandMonitor { event in
                switch event.outcome {
                case .started(let command, _):
                    sent.mutate { $0[event.commandName, default: 0] += 1 }
                    discovery.started(command, name: event.commandName, operationID: event.operationID)
                case .succeeded(let reply, _), .failed(_, let reply, _):
                    discovery.replied(reply, operationID: event.operationID)
                }
            }, appName: "preflight-source", serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        self.databaseOverride = databaseOverride
    }

    public var redactedURI: String { pool.redactedURI }

    /// The database to read for `migration`.
    public func database(for migration: Migration) -> String {
        databaseOverride ?? migration.database
    }

    /// Reads one document of `collection`, to learn before anything else runs that the
    /// server answers and lets this user read.
    /// - Throws: `MongoError`, for the caller to report as the environment failing.
    public func probe(_ collection: String, in database: String) throws {
        try pool.withClient { client in
            _ = try client.collection(collection, in: database).find([:], options: ["limit": 1, "projection": ["_id": 1]])
        }
    }

    /// Copies `size` documents drawn at random from `collection` into `target`; a
    /// document `$sample` returns twice is written once.
    /// - Returns: how many documents were written.
    func sample(_ collection: String, in database: String, size: Int, into target: MongoCollection) throws -> Int {
        try pool.withClient { client in
            let pipeline: [BSON] = [["$sample": ["size": .int64(Int64(size))]]]
            let options: BSONDocument = ["allowDiskUse": true, "batchSize": .int32(Int32(DocumentCopy.batchSize))]
            return try client.collection(collection, in: database).withAggregate(pipeline, options: options) { cursor in
                var copy = DocumentCopy(into: target, skippingRepeats: true)
                try copy.copy(cursor)
                return copy.written
            }
        }
    }

    /// Copies every document of `collection` into `target`, a batch at a time.
    /// - Returns: how many documents were written.
    func copyAll(_ collection: String, in database: String, into target: MongoCollection) throws -> Int {
        try pool.withClient { client in
            try client.collection(collection, in: database).withFind([:], options: ["batchSize": .int32(Int32(DocumentCopy.batchSize))]) { cursor in
                var copy = DocumentCopy(into: target)
                try copy.copy(cursor)
                return copy.written
            }
        }
    }

    /// `collection`'s options and indexes, for a copy that refuses what it would refuse;
    /// nil when the source has no such collection.
    func shape(of collection: String, in database: String) throws -> CollectionShape? {
        try pool.withClient { client in try CollectionShape.read(collection, in: database, client: client) }
    }

    /// The commands sent so far, by name: `aggregate ×2, getMore ×5`.
    public var commandsSent: [String: Int] { sent.value }

    public func close() {
        pool.close()
    }
}
