import CMongoC

/// Which members of a replica set a read may go to (the Server Selection specification's
/// read preference): a mode, tag sets tried in order, and the most a secondary may lag.
public struct ReadPreference: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case primary, primaryPreferred, secondary, secondaryPreferred, nearest
    }

    public var mode: Mode
    /// Each a document of tags a member must carry; `[:]` matches any member.
    public var tagSets: [BSONDocument]
    /// How far behind the primary a secondary may be, in seconds (at least 90); nil for no limit.
    public var maxStalenessSeconds: Int64?

    public init(mode: Mode, tagSets: [BSONDocument] = [], maxStalenessSeconds: Int64? = nil) {
        self.mode = mode
        self.tagSets = tagSets
        self.maxStalenessSeconds = maxStalenessSeconds
    }

    /// A new `mongoc_read_prefs_t` the caller must destroy.
    func makeReadPrefs() throws(MongoError) -> OpaquePointer {
        let cMode: mongoc_read_mode_t = switch mode {
        case .primary: MONGOC_READ_PRIMARY
        case .primaryPreferred: MONGOC_READ_PRIMARY_PREFERRED
        case .secondary: MONGOC_READ_SECONDARY
        case .secondaryPreferred: MONGOC_READ_SECONDARY_PREFERRED
        case .nearest: MONGOC_READ_NEAREST
        }
        guard let prefs = mongoc_read_prefs_new(cMode) else {
            throw MongoError(kind: .client, message: "libmongoc could not allocate a read preference.")
        }
        if !tagSets.isEmpty {
            let tags = try BSONDocument.makeArrayBSON(tagSets.map(BSON.document))
            defer { bson_destroy(tags) }
            mongoc_read_prefs_set_tags(prefs, tags)
        }
        if let maxStalenessSeconds { mongoc_read_prefs_set_max_staleness_seconds(prefs, maxStalenessSeconds) }
        guard mongoc_read_prefs_is_valid(prefs) else {
            mongoc_read_prefs_destroy(prefs)
            throw MongoError(kind: .client, message: "The read preference \(mode.rawValue) with these tag sets or maxStalenessSeconds is not valid.")
        }
        return prefs
    }
}
