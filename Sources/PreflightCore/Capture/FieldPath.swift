import Mongo

/// A dotted path into a document, read as MongoDB reads one in a query: `items.sku`
/// reaches into every element of an `items` array, and a numeric segment may also pick
/// one element (`items.0.sku`).
struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    let segments: [String]

    /// What a path segment must be, for messages.
    static let rule = "field names are not empty and do not start with $"

    /// Nil for an empty path, an empty segment (`a..b`, `a.`) or one starting with `$`
    /// (`a.$b`): a query reads neither as a field name (`$` starts an operator, `a.$` a
    /// positional match), so it can only be a typing mistake.
    init?(_ text: Substring) {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !segments.isEmpty, !segments.contains(where: { $0.isEmpty || $0.hasPrefix("$") }) else { return nil }
        self.segments = segments
    }

    var description: String { segments.joined(separator: ".") }

    /// Every value at this path in `document`, with an array at the end expanded into its
    /// elements: the values `{path: {$in: […]}}` compares with.
    func values(in document: BSONDocument) -> [BSON] {
        var found: [BSON] = []
        Self.collect(.document(document), segments[...], into: &found)
        return found
    }

    private static func collect(_ value: BSON, _ rest: ArraySlice<String>, into found: inout [BSON]) {
        guard let head = rest.first else {
            if case .array(let elements) = value { found += elements } else { found.append(value) }
            return
        }
        switch value {
        case .document(let document):
            if let next = document[head] { collect(next, rest.dropFirst(), into: &found) }
        case .array(let elements):
            if let index = Int(head), elements.indices.contains(index) {
                collect(elements[index], rest.dropFirst(), into: &found)
            }
            for case .document(let element) in elements {
                collect(.document(element), rest, into: &found)
            }
        default:
            break
        }
    }
}
