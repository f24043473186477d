import Mongo

/// A dotted path into a document, read as MongoDB reads one in a query: `items.sku`
/// reaches into every element of an `items` array, and a numeric segment may also pick
/// one element (`items.0.sku`).
struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    let segments: [String]

    /// Nil for an empty path or an empty segment (`a..b`, `a.`): no field has such a name
    /// in a query, so it can only be a typing mistake.
    init?(_ text: Substring) {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !segments.isEmpty, !segments.contains(where: \.isEmpty) else { return nil }
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
