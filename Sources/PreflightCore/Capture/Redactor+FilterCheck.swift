import Mongo

extension Redactor {
    /// Why the replay could not run `filter` once the values of `redactions` are tokens,
    /// as a usage message; nil when it can.
    ///
    /// A token stands for a value only under equality: `$eq`, `$ne`, `$in`, `$nin` and
    /// `$all` of literal values, which `replayFilter` maps to tokens. A pattern (`$regex`,
    /// a regular expression), an order (`$gt`) or a type (`$type`) would be compared with
    /// the tokens, which hide the values and order differently, and the replay would find
    /// other documents than the live server did (or the file would have to hold the value
    /// to match it). A field inside a redacted value is gone from the replay altogether.
    /// `$exists` reveals nothing and still holds.
    static func unreplayableComparison(in filter: BSONDocument, collection: String, redactions: [QualifiedField]) -> String? {
        let walk = FilterWalk(collection: collection, redactions: redactions)
        guard let found = walk.problem(in: .document(filter), field: []) else { return nil }
        let name = collection + "." + found.field.joined(separator: ".")
        let redacted = redactions.filter { $0.collection == collection }.map(\.path.segments)
        if redacted.contains(found.field) {
            return """
                --filter compares \(name) with \(found.comparison), but --redact \(name) replaces its values, so the \
                replay could not find them: filter on another field, or do not redact this one.
                """
        }
        if let outer = redacted.first(where: { found.field.starts(with: $0) }) {
            let outerName = collection + "." + outer.joined(separator: ".")
            return """
                --filter compares \(name), which is inside \(outerName), but --redact \(outerName) replaces that whole \
                value with a token, so the replay could not find it: filter on another field, or do not redact that one.
                """
        }
        let secret = found.field.firstIndex(where: Redaction.isSensitive) ?? found.field.count - 1
        let secretName = collection + "." + found.field[...secret].joined(separator: ".")
        if secret == found.field.count - 1 {
            return """
                --filter compares \(name) with \(found.comparison), but the values of a key that looks like a secret are \
                always redacted, so the replay could not find them: filter on another field.
                """
        }
        return """
            --filter compares \(name), which is inside \(secretName), whose key looks like a secret: its whole value is \
            always redacted, so the replay could not find it: filter on another field.
            """
    }

    /// Walks a filter as `replayFilter` does, looking for a comparison it cannot map.
    private struct FilterWalk {
        let collection: String
        let redactions: [QualifiedField]

        /// The field compared, and how (`$gt`, `a regular expression in $in`). A regular
        /// expression is `$regex` whichever way it was written: libbson reads the operator
        /// form `{"$regex": "^a"}` as a regular expression value, and a query means the same
        /// by both.
        func problem(in value: BSON, field: [String]) -> (field: [String], comparison: String)? {
            let replaced = Redactor.replacement(of: field, in: collection, redactions: redactions)
            switch value {
            case .document(let document):
                for (key, element) in document {
                    if key.hasPrefix("$") {
                        if let found = problem(withOperator: key, element, field: field, replaced: replaced) { return found }
                    } else {
                        let path = field + key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                        if let found = problem(atField: path, element) { return found }
                    }
                }
                return nil
            case .array(let elements):
                return elements.lazy.compactMap { problem(in: $0, field: field) }.first
            case .regex:
                return replaced == nil ? nil : (field, "$regex")
            default:
                return nil
            }
        }

        private func problem(
            withOperator key: String, _ element: BSON, field: [String], replaced: Redactor.Replacement?
        ) -> (field: [String], comparison: String)? {
            switch replaced {
            case nil:
                return problem(in: element, field: field)
            case .below:
                return (field, key)
            case .exactly:
                if Redactor.equalityOperators.contains(key) {
                    let values = element.arrayValue ?? [element]
                    if values.contains(where: { if case .regex = $0 { true } else { false } }) {
                        return (field, "a regular expression in \(key)")
                    }
                    if values.contains(where: { $0.documentValue?.keys.first?.hasPrefix("$") == true }) {
                        return (field, "an operator in \(key)")
                    }
                    return nil
                }
                if key == "$exists" { return nil }
                if Redactor.nestingOperators.contains(key) { return problem(in: element, field: field) }
                return (field, key)
            }
        }

        /// `{field: value}`: equality with a literal, a regular expression, or operators.
        private func problem(atField path: [String], _ element: BSON) -> (field: [String], comparison: String)? {
            switch Redactor.replacement(of: path, in: collection, redactions: redactions) {
            case .below:
                return (path, "a value")
            case .exactly:
                if element.documentValue?.keys.first?.hasPrefix("$") == true { return problem(in: element, field: path) }
                if case .regex = element { return (path, "$regex") }
                return nil
            case nil:
                return problem(in: element, field: path)
            }
        }
    }
}
