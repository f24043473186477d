import Mongo

/// The last check before a capture is written: no redacted real value may be in the file.
///
/// First the values themselves: every value the file holds (fixtures, the replay's
/// filter and expected `_id`s) is compared with the redacted ones, so a value redacted
/// at one path and kept at another is found and named by where it is. Then the text:
/// every JSON string in it (and in JSON written inside a string, as the description
/// holds) is compared with the renderings of the redacted strings, so nothing the first
/// check could miss is written either. Numbers, booleans and null are not looked for:
/// their text is in every file (see `TokenTable.reveals`).
struct LeakGuard {
    let table: TokenTable

    /// - Parameter location: says where `value` is, e.g. `fixtures.orders[3]`.
    /// - Throws: `CaptureError.cannotReplay` naming both places, never the value.
    func check(_ value: BSON, at location: String) throws(CaptureError) {
        if TokenTable.reveals(value), table.existingToken(for: value) != nil {
            let origin = table.origins[value] ?? "a --redact path"
            throw .cannotReplay("""
                A value redacted at \(origin) is also at \(location), which is not redacted: the file would \
                reveal it. Add --redact for that path (COLLECTION.FIELD) as well.
                """)
        }
        switch value {
        case .document(let document):
            for (key, element) in document { try check(element, at: location + "." + key) }
        case .array(let elements):
            for (index, element) in elements.enumerated() { try check(element, at: location + "[\(index)]") }
        default:
            break
        }
    }

    /// - Throws: `CaptureError.cannotReplay` naming where the value was redacted.
    func check(text: String) throws(CaptureError) {
        let strings = Self.stringLiterals(in: Array(text.utf8))
        for value in table.realValues where value.stringValue.map({ !$0.isEmpty }) == true {
            let renderings = Set([value.extendedJSON(.canonical), value.extendedJSON(.relaxed)])
            if renderings.contains(where: { strings.contains(Array($0.utf8)) }) {
                throw .cannotReplay("""
                    A value redacted at \(table.origins[value] ?? "a --redact path") is in the text of the scenario \
                    (as a value, a field name, or in the description).
                    """)
            }
        }
    }

    /// Every JSON string in `bytes`, quotes and escapes as written, and the strings in JSON
    /// written inside those strings.
    static func stringLiterals(in bytes: [UInt8]) -> Set<[UInt8]> {
        var found: Set<[UInt8]> = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            var end = index + 1
            var escaped = false
            while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") { escaped = true }
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            let literal = Array(bytes[index..<min(end + 1, bytes.count)])
            found.insert(literal)
            if escaped {
                found.formUnion(stringLiterals(in: unescapingQuotes(literal.dropFirst().dropLast())))
            }
            index = end + 1
        }
        return found
    }

    /// `\"` and `\\` undone: enough to read the JSON a string holds.
    private static func unescapingQuotes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.endIndex,
                bytes[index + 1] == UInt8(ascii: "\"") || bytes[index + 1] == UInt8(ascii: "\\")
            {
                out.append(bytes[index + 1])
                index += 2
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
