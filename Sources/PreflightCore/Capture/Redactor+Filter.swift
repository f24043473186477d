import Mongo

extension Redactor {
    /// The filter the replay runs against the captured, redacted documents: where it
    /// compares a redacted field of `collection`, the values it compares with become
    /// tokens (so equality and `$in` find the same documents in the replay, and the real
    /// value is not written); anywhere else, a value that was redacted in some document
    /// becomes its token too.
    /// - Returns: the filter, and the redacted fields it compares other than by equality,
    ///   where the replay may find other documents than the live server did.
    mutating func replayFilter(_ filter: BSONDocument, in collection: String) -> (filter: BSONDocument, inexact: [String]) {
        var inexact: [String] = []
        let out = filterValue(.document(filter), field: [], in: collection, inexact: &inexact)
        return (out.documentValue ?? filter, inexact)
    }

    /// Compared with the value as it was, so a token stands for it exactly.
    private static let equalityOperators: Set<String> = ["$eq", "$ne", "$in", "$nin", "$all"]
    /// Compared by order: a token hides the value, and orders differently.
    private static let rangeOperators: Set<String> = ["$gt", "$gte", "$lt", "$lte"]
    /// Hold conditions on the same field.
    private static let nestingOperators: Set<String> = ["$not", "$elemMatch", "$and", "$or", "$nor"]

    private mutating func filterValue(_ value: BSON, field: [String], in collection: String, inexact: inout [String]) -> BSON {
        switch value {
        case .document(let document):
            let redacted = replacement(of: field, in: collection)
            var out = BSONDocument()
            for (key, element) in document {
                if key.hasPrefix("$") {
                    if let redacted, Self.equalityOperators.contains(key) || Self.rangeOperators.contains(key) {
                        if Self.rangeOperators.contains(key) || redacted == .below { note(field, collection, &inexact) }
                        out.append(key, filterToken(element, field: field, in: collection))
                    } else {
                        if redacted != nil && !Self.nestingOperators.contains(key) && key != "$exists" {
                            note(field, collection, &inexact)
                        }
                        out.append(key, filterValue(element, field: field, in: collection, inexact: &inexact))
                    }
                } else {
                    let path = field + key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    let isOperators = element.documentValue?.keys.first?.hasPrefix("$") == true
                    if let redacted = replacement(of: path, in: collection), !isOperators {
                        if redacted == .below { note(path, collection, &inexact) }
                        out.append(key, filterToken(element, field: path, in: collection))
                    } else {
                        out.append(key, filterValue(element, field: path, in: collection, inexact: &inexact))
                    }
                }
            }
            return .document(out)
        case .array(let elements):
            var out: [BSON] = []
            for element in elements { out.append(filterValue(element, field: field, in: collection, inexact: &inexact)) }
            return .array(out)
        default:
            if TokenTable.reveals(value), let token = table.existingToken(for: value) { return token }
            return value
        }
    }

    /// How a filter field relates to the values the documents had replaced.
    private enum Replacement {
        /// The field's own values were replaced: a --redact path, or a key like a secret.
        case exactly
        /// The field reaches under a replaced value, which the replay no longer has.
        case below
    }

    /// Nil when the documents' values at `field` were kept.
    private func replacement(of field: [String], in collection: String) -> Replacement? {
        guard !field.isEmpty else { return nil }
        let paths = redactions.filter { $0.collection == collection }.map(\.path.segments)
        if paths.contains(field) { return .exactly }
        if let secret = field.firstIndex(where: Redaction.isSensitive) { return secret < field.count - 1 ? .below : .exactly }
        if paths.contains(where: { field.starts(with: $0) }) { return .below }
        return nil
    }

    private mutating func filterToken(_ value: BSON, field: [String], in collection: String) -> BSON {
        var count = 0
        return tokenize(value, origin: collection + "." + field.joined(separator: "."), count: &count)
    }

    private func note(_ field: [String], _ collection: String, _ inexact: inout [String]) {
        let path = collection + "." + field.joined(separator: ".")
        if !inexact.contains(path) { inexact.append(path) }
    }
}
