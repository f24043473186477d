import Mongo

/// The last check before a capture is written: no redacted real value may be in the file.
///
/// Every value the file will hold (fixtures, the replay's filter and expected `_id`s,
/// the name and the description) is compared with the redacted ones, and each place one
/// is found is named, never the value:
///
/// - strings, ObjectIds, dates, binary data and documents by equality;
/// - redacted strings of four characters or more also inside every string (a note that
///   quotes an e-mail address), and redacted ObjectIds as their hex inside strings;
/// - numbers by numeric value in any numeric type, but only redacted numbers of four
///   digits or more, or with a fraction (`NumericValue.identifies`): small whole numbers
///   are quantities and flags in every document, and would only raise false alarms.
///
/// Tokens are told apart from real values: a string token is never searched, and no
/// number token equals a redacted number (`TokenTable(avoiding:)`).
struct LeakGuard {
    let table: TokenTable
    /// Redacted strings of four characters or more, and the hex of redacted ObjectIds.
    private let search: SubstringSearch
    /// Where the value behind each pattern of `search` was redacted.
    private let patternOrigins: [String]
    /// The redacted numbers worth looking for.
    private let numbers: Set<NumericValue>
    /// Each leak once per redacted origin and place to redact.
    private(set) var leaks: [Leak] = []
    private var seen: Set<[String]> = []

    init(table: TokenTable) {
        self.table = table
        var patterns: [(text: String, origin: String)] = []
        for value in table.redactedValues {
            let origin = table.origin(of: value) ?? "a --redact path"
            switch value {
            case .string(let text) where text.count >= 4:
                patterns.append((text, origin))
            case .objectID(let id):
                patterns += [(id.hex.lowercased(), origin), (id.hex.uppercased(), origin)]
            default:
                break
            }
        }
        // Sorted, so that the same capture always names the same origin.
        patterns.sort { ($0.origin, $0.text) < ($1.origin, $1.text) }
        search = SubstringSearch(patterns.map { Array($0.text.utf8) })
        patternOrigins = patterns.map(\.origin)
        numbers = Set(table.redactedNumbers.filter(\.identifies))
    }

    /// Looks through a fixture document of `collection`, whose redacted values are tokens by now.
    /// - Parameter place: where the document is in the file, e.g. `fixtures.orders[3]`.
    mutating func inspect(_ document: BSONDocument, of collection: String, at place: String) {
        walk(.document(document), place: place, field: [], collection: collection)
    }

    /// Looks through a value written outside the fixtures (the replay's filter).
    mutating func inspect(_ value: BSON, at place: String) {
        walk(value, place: place, field: [], collection: nil)
    }

    /// Looks through text written as it is (the name, the description).
    mutating func inspect(text: String, at place: String) {
        if let origin = origin(inside: text) { record(Leak(origin: origin, place: place, kind: .insideText, field: nil)) }
    }

    /// - Throws: `CaptureError.cannotReplay` listing every place a redacted value was found.
    func check() throws(CaptureError) {
        if !leaks.isEmpty { throw .cannotReplay(Self.message(leaks)) }
    }

    private mutating func walk(_ value: BSON, place: String, field: [String], collection: String?) {
        let redactPath = collection.flatMap { field.isEmpty ? nil : $0 + "." + field.joined(separator: ".") }
        if TokenTable.reveals(value), let origin = table.origin(of: value) {
            return record(Leak(origin: origin, place: place, kind: .value, field: redactPath))
        }
        if let number = NumericValue(value), number.identifies, numbers.contains(number) {
            return record(Leak(origin: table.origin(of: number) ?? "a --redact path", place: place, kind: .value, field: redactPath))
        }
        switch value {
        case .document(let document):
            for (key, element) in document {
                if let origin = origin(inside: key) {
                    record(Leak(origin: origin, place: place + "." + key, kind: .fieldName, field: nil))
                }
                walk(element, place: place + "." + key, field: field + [key], collection: collection)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                walk(element, place: place + "[\(index)]", field: field, collection: collection)
            }
        case .string(let text), .symbol(let text), .javascript(let text), .regex(let text, _), .dbPointer(let text, _):
            if let origin = origin(inside: text) { record(Leak(origin: origin, place: place, kind: .insideText, field: redactPath)) }
        case .javascriptWithScope(let code, let scope):
            if let origin = origin(inside: code) { record(Leak(origin: origin, place: place, kind: .insideText, field: redactPath)) }
            walk(.document(scope), place: place, field: field, collection: nil)
        default:
            break
        }
    }

    /// Where a redacted string equal to `text`, or found inside it, was redacted; nil for
    /// a string token, which holds nothing real.
    private func origin(inside text: String) -> String? {
        guard !text.isEmpty, !table.textTokens.contains(text) else { return nil }
        if let origin = table.origin(of: .string(text)) { return origin }
        return search.firstMatch(in: text.utf8).map { patternOrigins[$0] }
    }

    private mutating func record(_ leak: Leak) {
        if seen.insert([leak.origin, leak.field ?? leak.place, "\(leak.kind)"]).inserted { leaks.append(leak) }
    }
}
