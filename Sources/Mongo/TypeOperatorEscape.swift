/// Lets Extended JSON input use MongoDB's `$type` operator.
///
/// libbson 1.23 takes every `"$type"` key for the legacy binary form
/// `{"$binary": "…", "$type": "00"}` and rejects the query and aggregation operator
/// (`{"billed": {"$type": "bool"}}`, `{"$type": "$billed"}`). Before parsing, `"$type"`
/// keys of objects without a `"$binary"` key are renamed to a placeholder libbson treats
/// as an ordinary key; after parsing they are renamed back. Input that already contains
/// the placeholder is parsed as written.
struct TypeOperatorEscape {
    static let placeholder = "$__preflight_type"
    private static let key = Array("\"$type\"".utf8)
    private static let replacement = Array("\"\(placeholder)\"".utf8)
    private static let growth = replacement.count - key.count

    /// The text libbson reads.
    let bytes: [UInt8]
    /// Offsets in the original text of each renamed key's opening quote, ascending.
    let renamed: [Int]

    init(_ original: [UInt8]) {
        let positions = Self.operatorKeys(in: original)
        guard !positions.isEmpty, !Self.contains(original, Array(Self.placeholder.utf8)) else {
            bytes = original
            renamed = []
            return
        }
        var rewritten: [UInt8] = []
        rewritten.reserveCapacity(original.count + positions.count * Self.growth)
        var copied = 0
        for position in positions {
            rewritten += original[copied..<position]
            rewritten += Self.replacement
            copied = position + Self.key.count
        }
        rewritten += original[copied...]
        bytes = rewritten
        renamed = positions
    }

    /// Maps an offset in the rewritten text back to the original.
    func originalOffset(_ offset: Int) -> Int {
        var shift = 0
        for position in renamed {
            let start = position + shift
            if offset < start { break }
            if offset < start + Self.replacement.count { return position }
            shift += Self.growth
        }
        return offset - shift
    }

    /// Renames the placeholder keys back to `$type`, at any depth.
    func restore(_ document: BSONDocument) -> BSONDocument {
        renamed.isEmpty ? document : Self.restore(document)
    }

    private static func restore(_ document: BSONDocument) -> BSONDocument {
        BSONDocument(document.elements.map { ($0.key == placeholder ? "$type" : $0.key, restore($0.value)) })
    }

    private static func restore(_ value: BSON) -> BSON {
        switch value {
        case .document(let document): .document(restore(document))
        case .array(let values): .array(values.map(restore))
        case .javascriptWithScope(let code, let scope): .javascriptWithScope(code: code, scope: restore(scope))
        default: value
        }
    }

    /// Offsets of `"$type"` keys in objects that have no `"$binary"` key. A light scan:
    /// strings (with escapes) and braces only; malformed JSON is left for libbson to report.
    private static func operatorKeys(in bytes: [UInt8]) -> [Int] {
        var objects: [(typeKeys: [Int], hasBinary: Bool)] = []
        var found: [Int] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                var next = end + 1
                while next < bytes.count && JSONBytes.isWhitespace(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: ":"), !objects.isEmpty {
                    let name = bytes[min(index + 1, bytes.count)..<min(end, bytes.count)]
                    // Only a `$` key can be either: the others are not compared byte by byte.
                    if name.first == UInt8(ascii: "$") {
                        if name.elementsEqual("$type".utf8) { objects[objects.count - 1].typeKeys.append(index) }
                        if name.elementsEqual("$binary".utf8) { objects[objects.count - 1].hasBinary = true }
                    }
                }
                index = end + 1
            case UInt8(ascii: "{"):
                objects.append(([], false))
                index += 1
            case UInt8(ascii: "}"):
                if let object = objects.popLast(), !object.hasBinary { found += object.typeKeys }
                index += 1
            default:
                index += 1
            }
        }
        return found.sorted()
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
