import Mongo

extension Redactor {
    /// The filter the replay runs against the captured, redacted documents: where it
    /// compares a redacted field of `collection` by equality, the values it compares with
    /// become tokens (so equality and `$in` find the same documents in the replay, and the
    /// real value is not written); anywhere else, a value that was redacted in some
    /// document becomes its token too. Comparisons tokens cannot stand in for were refused
    /// before the capture began (`unreplayableComparison`).
    mutating func replayFilter(_ filter: BSONDocument, in collection: String) -> BSONDocument {
        filterValue(.document(filter), field: [], in: collection).documentValue ?? filter
    }

    /// Compared with the value as it was, so a token stands for it exactly.
    static let equalityOperators: Set<String> = ["$eq", "$ne", "$in", "$nin", "$all"]
    /// Hold conditions on the same field.
    static let nestingOperators: Set<String> = ["$not", "$elemMatch", "$and", "$or", "$nor"]

    private mutating func filterValue(_ value: BSON, field: [String], in collection: String) -> BSON {
        switch value {
        case .document(let document):
            let redacted = Self.replacement(of: field, in: collection, redactions: redactions) != nil
            var out = BSONDocument()
            for (key, element) in document {
                if key.hasPrefix("$") {
                    if redacted && Self.equalityOperators.contains(key) {
                        out.append(key, filterToken(element, field: field, in: collection))
                    } else {
                        out.append(key, filterValue(element, field: field, in: collection))
                    }
                } else {
                    let path = field + key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    let isOperators = element.documentValue?.keys.first?.hasPrefix("$") == true
                    if Self.replacement(of: path, in: collection, redactions: redactions) != nil, !isOperators {
                        out.append(key, filterToken(element, field: path, in: collection))
                    } else {
                        out.append(key, filterValue(element, field: path, in: collection))
                    }
                }
            }
            return .document(out)
        case .array(let elements):
            return .array(elements.map { filterValue($0, field: field, in: collection) })
        default:
            if TokenTable.reveals(value), let token = table.existingToken(for: value) { return token }
            return value
        }
    }

    /// How a filter field relates to the values the documents had replaced.
    enum Replacement {
        /// The field's own values were replaced: a --redact path, or a key like a secret.
        case exactly
        /// The field reaches under a replaced value, which the replay no longer has.
        case below
    }

    /// Nil when the documents' values at `field` of `collection` are kept.
    static func replacement(of field: [String], in collection: String, redactions: [QualifiedField]) -> Replacement? {
        guard !field.isEmpty else { return nil }
        let paths = redactions.filter { $0.collection == collection }.map(\.path.segments)
        if paths.contains(field) { return .exactly }
        if paths.contains(where: { field.starts(with: $0) }) { return .below }
        if let secret = field.firstIndex(where: Redaction.isSensitive) { return secret < field.count - 1 ? .below : .exactly }
        return nil
    }

    private mutating func filterToken(_ value: BSON, field: [String], in collection: String) -> BSON {
        var count = 0
        return tokenize(value, origin: collection + "." + field.joined(separator: "."), count: &count)
    }
}
