import Foundation
import Mongo

/// What a compat scan found for one field: how many documents in scope have it with an
/// allowed type, lack it, have it with a wrong type, or hold a string its pattern rejects.
public struct CompatFieldResult: Sendable {
    public let field: CompatField
    /// Documents in scope.
    public let documents: Int
    public let allowed: Int
    public let missing: Int
    public let wrongType: Int
    /// Strings of an allowed type that the pattern rejects (a part of `allowed`).
    public let patternMismatches: Int
    /// The wrong types found, most frequent first: `[("string", 2), ("int", 1)]`.
    public let wrongTypes: [(type: String, count: Int)]
    /// Up to the spec's `samples` `_id`s of each failure, in `_id` order.
    public let wrongTypeSamples: [BSON]
    public let patternSamples: [BSON]
    /// Only for a required field.
    public let missingSamples: [BSON]
    /// The time of this field's share of the scan, seconds.
    public let duration: TimeInterval

    /// A missing field fails only when required; a wrong type or pattern always does.
    public var passed: Bool {
        wrongType == 0 && patternMismatches == 0 && (!field.required || missing == 0)
    }

    /// The counts by name, for the JSON report: `documents`, `allowed`, `missing`,
    /// `wrongType`, `wrongType.<type>` per wrong type, `patternMismatch` with a pattern.
    public var figures: [(name: String, value: Int)] {
        var figures: [(name: String, value: Int)] = [
            ("documents", documents), ("allowed", allowed), ("missing", missing), ("wrongType", wrongType),
        ]
        figures += wrongTypes.map { ("wrongType.\($0.type)", $0.count) }
        if field.pattern != nil { figures.append(("patternMismatch", patternMismatches)) }
        return figures
    }
}
