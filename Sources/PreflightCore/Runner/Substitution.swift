import Foundation
import Mongo

/// Replaces `{"$$var": "name.path"}`, `{"$$now": {…}}` and `{"$$newObjectId": {}}` with
/// values, just before a step runs, so every step sees the variables as they are then.
enum Substitution {
    static func apply(_ value: BSON, _ scope: VariableScope) throws(RunFailure) -> BSON {
        try substituted(value, scope) ?? value
    }

    /// `value` with its variables replaced, or nil when it holds none: most arguments and
    /// expectations hold none, and are then used as they are, not copied.
    private static func substituted(_ value: BSON, _ scope: VariableScope) throws(RunFailure) -> BSON? {
        switch value {
        case .array(let elements):
            var out: [BSON]?
            for (index, element) in elements.enumerated() {
                guard let replaced = try substituted(element, scope) else { continue }
                if out == nil { out = elements }
                out?[index] = replaced
            }
            return out.map(BSON.array)
        case .document(let document):
            if document.count == 1, let (key, argument) = document.elements.first {
                switch key {
                case "$$var":
                    return try scope.resolve(argument.stringValue ?? "")
                case "$$now":
                    let offset = argument.documentValue?["offsetSeconds"].flatMap(Self.offsetSeconds) ?? 0
                    return .datetime(Int64(((Date().timeIntervalSince1970 + offset) * 1000).rounded()))
                case "$$newObjectId":
                    return .objectID(ObjectID())
                default:
                    break
                }
            }
            var out: BSONDocument?
            for (index, element) in document.elements.enumerated() {
                guard let replaced = try substituted(element.value, scope) else { continue }
                if out == nil { out = document }
                out?.replaceValue(at: index, with: replaced)
            }
            return out.map(BSON.document)
        default:
            return nil
        }
    }

    static func document(_ document: BSONDocument, _ scope: VariableScope) throws(RunFailure) -> BSONDocument {
        try apply(.document(document), scope).documentValue ?? [:]
    }

    /// About ±3,000 years: far enough for any test, near enough that the date fits a
    /// BSON date and the arithmetic never traps.
    static let maximumOffsetSeconds = 1e11

    /// A `$$now` offset as seconds, or nil when it is not a finite number within range.
    static func offsetSeconds(_ value: BSON) -> Double? {
        let seconds: Double? = switch value {
        case .int32(let number): Double(number)
        case .int64(let number): Double(number)
        case .double(let number): number
        case .decimal128(let number): Double(number.description)
        default: nil
        }
        guard let seconds, seconds.isFinite, abs(seconds) <= maximumOffsetSeconds else { return nil }
        return seconds
    }
}
