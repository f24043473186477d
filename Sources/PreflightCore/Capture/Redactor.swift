import Mongo

/// Replaces what a capture must not keep with tokens from one `TokenTable`: every value
/// at a --redact path, and every value under a key that looks like a secret (`password`,
/// `apiToken`; see `Redaction.isSensitive`), named or not — a scenario file is committed
/// and shared, and the README, “Running (redaction)” keeps secrets out of every output.
///
/// A path reaches through arrays as a query does (`items.sku` redacts the `sku` of every
/// element); an array found at the end has each element replaced on its own, so `$in`
/// still finds what it found. Null stays null: it hides nothing, and "has no phone"
/// should still be true in the replay.
struct Redactor {
    let redactions: [QualifiedField]
    private(set) var table: TokenTable
    /// How many values each --redact path replaced, by its position in `redactions`.
    private(set) var replaced: [Int]
    /// How many values each --redact path reached, null included: a path that reached
    /// none is misspelt, or names a field the captured documents do not have.
    private(set) var reached: [Int]
    /// `collection.path` of the values replaced because of their key's name, and how many,
    /// in the order first met.
    private(set) var automatic: [(path: String, values: Int)] = []

    /// What is left of a --redact path while walking down a document.
    typealias Pending = (index: Int, rest: ArraySlice<String>)

    /// - Parameter avoided: the real numbers the whole capture redacts (see `TokenTable`).
    init(_ redactions: [QualifiedField], avoiding avoided: Set<NumericValue> = []) {
        self.redactions = redactions
        table = TokenTable(avoiding: avoided)
        replaced = Array(repeating: 0, count: redactions.count)
        reached = replaced
    }

    /// `document` of `collection` with its redacted values replaced.
    mutating func redact(_ document: BSONDocument, in collection: String) -> BSONDocument {
        let pending = redactions.enumerated().filter { $0.element.collection == collection }
            .map { Pending($0.offset, $0.element.path.segments[...]) }
        return visit(.document(document), pending, at: [], secretKey: false, in: collection).documentValue ?? document
    }

    private mutating func visit(
        _ value: BSON, _ pending: [Pending], at location: [String], secretKey: Bool, in collection: String
    ) -> BSON {
        let complete = pending.filter { $0.rest.isEmpty }.map(\.index)
        if let first = complete.first {
            var count = 0
            let token = tokenize(value, origin: redactions[first].description, count: &count)
            for index in complete {
                replaced[index] += count
                reached[index] += 1
            }
            return token
        }
        if secretKey {
            let path = collection + "." + location.joined(separator: ".")
            var count = 0
            let token = tokenize(value, origin: path, count: &count)
            if let index = automatic.firstIndex(where: { $0.path == path }) {
                automatic[index].values += count
            } else {
                automatic.append((path, count))
            }
            return token
        }
        switch value {
        case .document(let document):
            var out = BSONDocument()
            for (key, element) in document {
                let next = pending.compactMap { $0.rest.first == key ? Pending($0.index, $0.rest.dropFirst()) : nil }
                out.append(key, visit(element, next, at: location + [key], secretKey: Redaction.isSensitive(key), in: collection))
            }
            return .document(out)
        case .array(let elements):
            var out: [BSON] = []
            for (position, element) in elements.enumerated() {
                let indexed = pending.compactMap { $0.rest.first == String(position) ? Pending($0.index, $0.rest.dropFirst()) : nil }
                // A path reaches through an array into the documents it holds, as in a query.
                let through = element.documentValue == nil ? [] : pending
                out.append(visit(element, through + indexed, at: location, secretKey: false, in: collection))
            }
            return .array(out)
        default:
            return value
        }
    }

    /// The token for `value`, element by element for an array.
    mutating func tokenize(_ value: BSON, origin: String, count: inout Int) -> BSON {
        switch value {
        case .array(let elements):
            var out: [BSON] = []
            for element in elements { out.append(tokenize(element, origin: origin, count: &count)) }
            return .array(out)
        case .null, .undefined:
            return value
        default:
            count += 1
            return table.token(for: value, at: origin)
        }
    }
}
