import Foundation
import Mongo

/// What a compat scan found for one reachability rule: the documents of the population
/// in scope, and how many of them the query does not match.
public struct CompatReachabilityResult: Sendable {
    public let rule: ReachabilityRule
    public let population: Int
    public let notMatched: Int
    /// Up to the spec's `samples` `_id`s of documents the query misses, in `_id` order.
    public let samples: [BSON]
    /// The time of this rule's counts and samples, seconds.
    public let duration: TimeInterval
    /// Why the server could not count this rule (an operator it refuses in `population`
    /// or `query`): the rule errors, and the spec's other checks keep their counts.
    public var error: String? = nil

    public var passed: Bool { error == nil && notMatched == 0 }

    /// The counts by name, for the JSON report.
    public var figures: [(name: String, value: Int)] {
        [("population", population), ("notMatched", notMatched)]
    }
}
