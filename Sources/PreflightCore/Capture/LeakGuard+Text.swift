import Mongo

extension LeakGuard {
    /// The last look, at the file's text: every JSON string in it (and in JSON written
    /// inside a string) is compared with the renderings of the redacted strings, so a
    /// value the walk over the documents could not see (in a field name, or written some
    /// other way) is not written either.
    /// - Throws: `CaptureError.cannotReplay` naming where the value was redacted.
    func check(text: String) throws(CaptureError) {
        let strings = Self.stringLiterals(in: Array(text.utf8))
        for value in table.redactedValues where value.stringValue.map({ !$0.isEmpty }) == true {
            let renderings = Set([value.extendedJSON(.canonical), value.extendedJSON(.relaxed)])
            if renderings.contains(where: { strings.contains(Array($0.utf8)) }) {
                throw .cannotReplay("""
                    A value redacted at \(table.origin(of: value) ?? "a --redact path") is in the text of the scenario \
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
