import Mongo

/// A query every document of a population must be visible to: the check that catches
/// "legacy delivered orders have no `delivery_confirmed`, so the billing query never
/// bills them".
public struct ReachabilityRule: Sendable {
    public let name: String
    /// The documents the query is meant to find, as a filter.
    public let population: BSONDocument
    /// The application's query, as it sends it.
    public let query: BSONDocument
    /// Where the rule is written in the spec, for `--junit-extended`.
    public let line: Int?
}
