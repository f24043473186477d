/// Every operation a step can name, with the argument keys it accepts.
public enum OperationAction: String, Sendable, CaseIterable {
    case insertOne, insertMany, updateOne, updateMany, replaceOne, deleteOne, deleteMany
    case findOneAndUpdate, findOneAndReplace, findOneAndDelete
    case find, aggregate, count, estimatedDocumentCount, distinct, bulkWrite
    case createIndex, dropIndex, listIndexes, drop, createCollection
    case command

    /// The keys every operation step may carry beside its own arguments.
    public static let commonKeys = ["name", "expect", "expectError", "save", "timeoutMS"]

    /// Hashed and compared by its place among the cases, not by its name: a String-backed
    /// enum hashes its raw value by default, and `RawRepresentable`'s `==` compares raw
    /// values; the tables keyed by action are read for every step a file holds and every
    /// operation a run sends, and actions are compared all through the loader.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ordinal)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.ordinal == rhs.ordinal
    }

    /// The case's place in the declaration, which is how a case without a payload is
    /// stored: one byte, for as long as there are at most 256 cases (a test holds it).
    var ordinal: UInt8 {
        unsafeBitCast(self, to: UInt8.self)
    }

    /// Whether a step's `name` is its label: for `createIndex` and `dropIndex` it is the
    /// index's name, as in MongoDB, and so an argument.
    public var nameIsLabel: Bool {
        self != .createIndex && self != .dropIndex
    }

    /// The common keys of this action: `name` only where it is the step's label.
    public var commonKeys: [String] {
        nameIsLabel ? Self.commonKeys : Self.commonKeys.filter { $0 != "name" }
    }

    /// Whether `timeoutMS` can be honoured: sent as `maxTimeMS`, which only these commands
    /// take at their top level (libmongoc 1.23 has no client-side operation timeout).
    public var acceptsTimeout: Bool {
        [.find, .aggregate, .count, .estimatedDocumentCount, .distinct, .findOneAndUpdate, .findOneAndReplace, .findOneAndDelete, .command]
            .contains(self)
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

    /// Whether a step of this action may say where its read goes: reads, and commands
    /// (read-only ones: writes always go to the primary).
    public var takesReadPreference: Bool { isRead || self == .command }

    /// Reads only: allowed in live files and in checks (`command` is judged by its name).
    public var isRead: Bool {
        switch self {
        case .find, .aggregate, .count, .estimatedDocumentCount, .distinct, .listIndexes: true
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
