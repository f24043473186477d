import Mongo

/// A pre-deployment checklist (`preflight gate`), validated: what must hold on the server,
/// the scenarios, compat specs and pending migrations, and the snapshot a scratch run
/// loads in place of a live database.
public struct Checklist: Sendable {
    /// The file as the user named it.
    public var file: String
    /// The `checklist` key: the release it gates, in the user's words.
    public var name: String
    public var description: String?
    /// The real database the checklist is about (the URI's or `--database` win).
    public var database: String
    public var server: ServerRequirements
    /// Scenario files, each with the policy of the entry that named it.
    public var scenarios: [(file: String, policy: ItemPolicy)]
    /// Given to every scenario, as if by `--var` (the command line's win).
    public var vars: BSONDocument
    /// The names the checklist's own `vars` declare.
    public var declaredVars: [String] = []
    /// Compat spec files, each with its entry's policy.
    public var compat: [(file: String, policy: ItemPolicy)]
    public var migrations: [PendingMigration]
    /// `path::test name` (absolute path) → why that test may be skipped.
    public var allowSkipped: [String: String]
    /// Collections loaded into `database` on a scratch server, in the fixtures' format.
    public var snapshot: [Fixture]

    /// Whether the checklist checks anything at all.
    public var isEmpty: Bool {
        server.isEmpty && scenarios.isEmpty && compat.isEmpty && migrations.isEmpty
    }
}

/// How an item's outcome counts toward the verdict.
public struct ItemPolicy: Sendable, Equatable {
    /// `"severity": "warn"`: a failure is reported and never blocks.
    public var warnOnly = false
    /// `"onUnknown": "warn"`: an item that could not be checked is reported and does not block.
    public var unknownWarns = false
    /// Why the item may be reported without blocking; required with either `warn`.
    public var reason: String?
    /// For compat specs and live files: why reading nothing is fine.
    public var allowEmpty: String?

    public init(warnOnly: Bool = false, unknownWarns: Bool = false, reason: String? = nil, allowEmpty: String? = nil) {
        self.warnOnly = warnOnly
        self.unknownWarns = unknownWarns
        self.reason = reason
        self.allowEmpty = allowEmpty
    }
}

/// A migration this deployment will apply.
public struct PendingMigration: Sendable {
    public var file: String
    /// Collections of at most this many documents are copied whole; larger ones are sampled.
    public var copyLimit: Int
    public var policy: ItemPolicy

    public static let defaultCopyLimit = 100_000
}

/// The `server` section.
public struct ServerRequirements: Sendable {
    public var minVersion: String?
    /// The lowest feature compatibility version the release needs.
    public var featureCompatibilityVersion: String?
    /// Allowed topologies: `single`, `replicaset`, `sharded`.
    public var topologies: [String]?
    public var collections: [String] = []
    public var indexes: [(collection: String, indexes: [IndexRequirement])] = []
    /// Collection → the validator it must have, exactly.
    public var validators: [(collection: String, validator: BSONDocument)] = []
    /// Check name (`minVersion`, `indexes`, …) → its policy.
    public var policies: [String: ItemPolicy] = [:]

    public var isEmpty: Bool {
        minVersion == nil && featureCompatibilityVersion == nil && topologies == nil && collections.isEmpty && indexes.isEmpty
            && validators.isEmpty
    }

    /// The names a policy can be given to, in the order the checks run.
    public static let checkNames = [
        "minVersion", "featureCompatibilityVersion", "topology", "collections", "indexes", "indexBuilds", "validators",
    ]
}

/// An index the release needs: the key (order matters) and the options that change what
/// the index does. Options not written are not compared.
public struct IndexRequirement: Sendable {
    public var key: BSONDocument
    public var name: String?
    public var unique: Bool?
    public var partialFilterExpression: BSONDocument?
    public var expireAfterSeconds: Int64?
    public var sparse: Bool?

    /// `{status: 1, billed: 1}` with its options, for messages.
    public var description: String {
        var options: [String] = []
        if let name { options.append("name \"\(name)\"") }
        if let unique { options.append("unique: \(unique)") }
        if let sparse { options.append("sparse: \(sparse)") }
        if let partialFilterExpression { options.append("partialFilterExpression: \(BSON.document(partialFilterExpression).extendedJSON(.relaxed))") }
        if let expireAfterSeconds { options.append("expireAfterSeconds: \(expireAfterSeconds)") }
        return BSON.document(key).extendedJSON(.relaxed) + (options.isEmpty ? "" : " (" + options.joined(separator: ", ") + ")")
    }
}
