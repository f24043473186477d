import Mongo

/// One field a compat spec holds documents to: the types it may have, the pattern its
/// strings must match, whether it must be there, and the default that applies when not.
public struct CompatField: Sendable {
    /// The field's name, or a dotted path into embedded documents (`address.city`).
    public let path: String
    /// The type aliases allowed, as written (`number` included); nil allows any type.
    public let types: [String]?
    public let pattern: CompatPattern?
    /// Whether a document without the field fails; otherwise its `default` applies.
    public let required: Bool
    /// What the application assumes when the field is missing; only reported.
    public let defaultValue: BSON?
    /// Where the field is written in the spec, for `--junit-extended`.
    public let line: Int?

    /// The aliases the server's `$type` expression returns that count as allowed: `number`
    /// stands for the four numeric types, which `$type` names one by one.
    var serverTypes: [String]? {
        types.map { aliases in
            var out: [String] = []
            for alias in aliases.flatMap({ $0 == "number" ? CompatField.numberTypes : [$0] }) where !out.contains(alias) {
                out.append(alias)
            }
            return out
        }
    }

    static let numberTypes = ["double", "int", "long", "decimal"]

    /// `bool`, `date or null`, `string or null`: the allowed types for messages.
    var typeDescription: String {
        guard let types, !types.isEmpty else { return "any type" }
        return types.listed("or")
    }
}
