/// A field of a collection as the command line names it: `customers_v2.phone`. The
/// collection is the text before the first dot, so a dotted collection name cannot be
/// written here; the rest is the field path.
public struct QualifiedField: Hashable, Sendable, CustomStringConvertible {
    public let collection: String
    let path: FieldPath

    /// Nil when there is no dot, the collection is empty, or a path segment is empty or
    /// starts with `$` (see `FieldPath`).
    init?(_ text: Substring) {
        guard let dot = text.firstIndex(of: "."), dot != text.startIndex,
            let path = FieldPath(text[text.index(after: dot)...])
        else { return nil }
        collection = String(text[..<dot])
        self.path = path
    }

    public var description: String { collection + "." + path.description }
}
