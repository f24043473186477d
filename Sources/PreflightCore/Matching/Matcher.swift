import Foundation
import Mongo

/// Compares an expected value from a scenario with the actual one, by the README, “Scenario files (matching)” (the
/// MongoDB Unified Test Format's rules, extended).
///
/// The rules are lenient where tests would otherwise be brittle (key order, extra keys on
/// root-level documents, int32 versus int64 versus double) and strict where leniency would
/// hide bugs: nested documents may not grow keys, and Decimal128 never equals a double, so
/// money that silently turned into a binary double is caught.
///
/// Variables (`$$var`, `$$now`, `$$newObjectId`) are the runner's business: it substitutes
/// them before matching, so the matcher treats a leftover one as a mismatch rather than
/// guessing at a value.
public struct Matcher: Sendable {
    public init() {}

    /// Matches `actual` against `expected`.
    ///
    /// - Parameters:
    ///   - expected: The expectation, variables already substituted.
    ///   - actual: The actual value; nil when the field is absent.
    ///   - root: Whether a document at this level is root-level (an operation's result
    ///     document, each document of a `find` result, a command reply) and so may have keys
    ///     the expectation does not name. An array passes it on to its elements.
    ///   - path: Where `actual` sits, e.g. `orders`; empty for the top. Keys and indexes are
    ///     appended to it, so a mismatch reads `orders[0].billed_month: …`.
    /// - Returns: The first mismatch found, or nil when the values match.
    public func match(_ expected: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        switch expected {
        case .document(let document):
            if let name = document.elements.first(where: { VariableName.isOperatorKey($0.key) })?.key, let argument = document[name] {
                guard document.count == 1 else {
                    return Mismatch(path: path, message: "operator `\(Self.literal(name))` must be the only key of its document")
                }
                return matchOperator(name, argument, actual, root: root, path: path)
            }
            return matchDocument(document, actual, root: root, path: path)
        case .array(let elements):
            return matchArray(elements, actual, root: root, path: path)
        default:
            return matchValue(expected, actual, path: path)
        }
    }
}

// MARK: - Documents, arrays, values

extension Matcher {
    func matchDocument(_ expected: BSONDocument, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(.document(expected)), nil) }
        guard case .document(let actualDocument) = actual else {
            return Self.failure(path, Self.shown(.document(expected)), actual)
        }
        // Absent keys reach `match` as nil, so `$$exists: false` and `$$unsetOrMatches`
        // decide for themselves whether absence is fine.
        for (key, value) in expected {
            let field = actualDocument[key]
            if let field, Self.leafMatches(value, field) || Self.plainDocumentMatches(value, field, root: false) { continue }
            if let mismatch = match(value, field, root: false, path: Self.path(path, key: key)) {
                return mismatch
            }
        }
        if !root, let extra = Self.unexpectedField(of: actualDocument, beyond: expected) {
            // Only a result's top-level documents may hold more than is written: say how a
            // document under a field may too, since the rule is the surprise. Not at the top
            // (an exact collection's documents, where extra fields are the point) nor for an
            // array's element, whose place says less.
            let underAField = !path.isEmpty && !path.hasSuffix("]")
            let message = "unexpected field \(Self.quoted(extra.key)) with value \(Self.shown(extra.value))"
                + (underAField ? " (a nested document matches exactly; wrap it in {\"$$matchAsRoot\": …} to allow other fields)" : "")
            return Mismatch(path: path, message: message)
        }
        return nil
    }

    func matchArray(_ expected: [BSON], _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(.array(expected)), nil) }
        guard case .array(let actualElements) = actual else {
            return Self.failure(path, Self.shown(.array(expected)), actual)
        }
        guard expected.count == actualElements.count else {
            return Self.lengthMismatch(path, expected, actualElements, inAnyOrder: false)
        }
        for (index, (wanted, got)) in zip(expected, actualElements).enumerated() {
            if Self.leafMatches(wanted, got) || Self.plainDocumentMatches(wanted, got, root: root) { continue }
            if let mismatch = match(wanted, got, root: root, path: Self.path(path, index: index)) {
                return mismatch
            }
        }
        return nil
    }

    /// Whether `expected` is a plain value (no document, array or operator) that `actual`
    /// matches: decided before the path of a key or element is written out, since most
    /// values match and the path is wanted only for a mismatch.
    static func leafMatches(_ expected: BSON, _ actual: BSON) -> Bool {
        switch expected {
        case .document, .array: false
        default: expected.isNumber && actual.isNumber ? numbersEqual(expected, actual) : expected == actual
        }
    }

    /// Whether `expected` is a document of plain values (no operator, document or array)
    /// that `actual` matches as `matchDocument` would: a `find`'s expected documents are
    /// mostly so, and deciding it first writes no `result[0]` for the many that match.
    /// False for anything else, which then takes the full way and its messages.
    static func plainDocumentMatches(_ expected: BSON, _ actual: BSON, root: Bool) -> Bool {
        guard case .document(let wanted) = expected, case .document(let got) = actual else { return false }
        for (key, value) in wanted {
            guard !VariableName.isOperatorKey(key), let field = got[key], leafMatches(value, field) else { return false }
        }
        return root || unexpectedField(of: got, beyond: wanted) == nil
    }

    /// The first field of `actual` that `expected` does not name, which only a root-level
    /// document may hold. Keys are checked, not counted: a document from a variable can
    /// hold a key twice.
    static func unexpectedField(of actual: BSONDocument, beyond expected: BSONDocument) -> (key: String, value: BSON)? {
        actual.elements.first { !expected.contains($0.key) }
    }

    func matchValue(_ expected: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(expected), nil) }
        if expected.isNumber && actual.isNumber {
            if Self.numbersEqual(expected, actual) { return nil }
            return Self.failure(path, Self.shown(expected), actual, note: Self.incomparability(expected, actual))
        }
        return expected == actual ? nil : Self.failure(path, Self.shown(expected), actual)
    }
}
