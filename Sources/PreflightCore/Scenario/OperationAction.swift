/// Every operation a step can name, with the argument keys it accepts.
public enum OperationAction: String, Sendable, CaseIterable {
    case insertOne, insertMany, updateOne, updateMany, replaceOne, deleteOne, deleteMany
    case findOneAndUpdate, findOneAndReplace, findOneAndDelete
    case find, aggregate, count, distinct, bulkWrite
    case createIndex, dropIndex, listIndexes, drop, createCollection
    case command

    /// The keys every operation step may carry beside its own arguments.
    public static let commonKeys = ["name", "expect", "expectError", "save", "timeoutMS"]

    /// The common keys of this action: for `createIndex` and `dropIndex`, `name` is the
    /// index's name, as in MongoDB, not the step's label.
    public var commonKeys: [String] {
        self == .createIndex || self == .dropIndex ? Self.commonKeys.filter { $0 != "name" } : Self.commonKeys
    }

    /// Argument keys the action accepts; nil for `createIndex`, whose index options are
    /// open-ended (the server checks them).
    public var argumentKeys: [String]? {
        switch self {
        case .insertOne: ["document"]
        case .insertMany: ["documents", "ordered"]
        case .updateOne, .updateMany: ["filter", "update", "upsert", "arrayFilters", "hint", "collation", "let"]
        case .replaceOne: ["filter", "replacement", "upsert", "hint", "collation", "let"]
        case .deleteOne, .deleteMany: ["filter", "hint", "collation", "let"]
        case .findOneAndUpdate: ["filter", "update", "sort", "projection", "upsert", "returnDocument"]
        case .findOneAndReplace: ["filter", "replacement", "sort", "projection", "upsert", "returnDocument"]
        case .findOneAndDelete: ["filter", "sort", "projection"]
        case .find: ["filter", "sort", "projection", "skip", "limit", "hint", "collation", "batchSize", "let"]
        case .aggregate: ["pipeline", "allowDiskUse", "hint", "collation", "batchSize", "let"]
        case .count: ["filter", "skip", "limit", "hint", "collation"]
        case .distinct: ["key", "filter", "collation"]
        case .bulkWrite: ["requests", "ordered"]
        case .createIndex: nil
        case .dropIndex: ["name"]
        case .listIndexes, .drop: []
        case .createCollection: ["options"]
        case .command: ["on"]
        }
    }

    /// Whether `timeoutMS` can be honoured: sent as `maxTimeMS`, which only these commands
    /// take at their top level (libmongoc 1.23 has no client-side operation timeout).
    public var acceptsTimeout: Bool {
        [.find, .aggregate, .count, .distinct, .command].contains(self)
    }

    /// Arguments without which the action cannot run.
    public var requiredKeys: [String] {
        switch self {
        case .insertOne: ["document"]
        case .insertMany: ["documents"]
        case .updateOne, .updateMany, .findOneAndUpdate: ["filter", "update"]
        case .replaceOne, .findOneAndReplace: ["filter", "replacement"]
        case .deleteOne, .deleteMany, .findOneAndDelete: ["filter"]
        case .aggregate: ["pipeline"]
        case .distinct: ["key"]
        case .bulkWrite: ["requests"]
        case .createIndex: ["key"]
        case .dropIndex: ["name"]
        default: []
        }
    }

    /// Reads only: allowed in live files and in checks (`command` is judged by its name).
    public var isRead: Bool {
        switch self {
        case .find, .aggregate, .count, .distinct, .listIndexes: true
        default: false
        }
    }

    /// Commands a sandbox scenario may send to its sandbox: the read-only ones, and those
    /// that write only inside the database they are sent to. An allow-list, because many
    /// commands reach elsewhere (`mapReduce` out to another database, `applyOps` on any
    /// namespace, `createUser` in `admin`, `killAllSessions` for every client).
    public static let sandboxCommands: Set<String> = readOnlyCommands.union([
        "insert", "update", "delete", "findAndModify", "findandmodify", "create", "drop", "createIndexes",
        "dropIndexes", "collMod", "dropDatabase", "listCollections", "explain", "validate", "getMore", "killCursors",
    ])

    /// Commands a live file may send: they read and never write.
    public static let readOnlyCommands: Set<String> = [
        "ping", "hello", "isMaster", "ismaster", "buildInfo", "buildinfo", "serverStatus", "dbStats", "collStats",
        "listCollections", "listIndexes", "count", "distinct", "find", "aggregate",
    ]
}
