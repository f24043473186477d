import Mongo

/// A legacy-compatibility spec (the README, “Compat specs”), validated: the contract a collection's
/// documents are held to, whenever and by whichever release they were written.
public struct CompatSpec: Sendable {
    /// The file as the user named it.
    public let file: String
    /// The spec's `compat`: what the documents must satisfy, in the user's words.
    public let name: String
    public let description: String?
    public let collection: String
    /// The logical database name the spec reads, when it names one; `--database` (or a
    /// scenario's own database, for a `compat` step) is used otherwise.
    public let database: String?
    /// Which documents the spec is about; nil for the whole collection.
    public let scope: BSONDocument?
    /// In the order written.
    public let fields: [CompatField]
    /// In the order written.
    public let reachability: [ReachabilityRule]
    /// At most this many offending `_id`s are named per failed check.
    public let samples: Int
    /// `allowEmpty`: why a scope with no document is acceptable. Without it, a scope that
    /// holds nothing fails: every check over zero documents would pass and prove nothing.
    public let allowEmpty: String?

    /// `samples` when the spec does not say.
    public static let defaultSamples = 5
    /// The most `samples` a spec may ask for: they name documents for a person to look
    /// at, not a list to export.
    public static let maximumSamples = 100

    /// Each field and each reachability rule is one check (one JUnit test case).
    public var checkCount: Int { fields.count + reachability.count }
}
