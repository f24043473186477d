import Mongo

/// The rules for variable names and references, in one place for the loader, the runner,
/// the matcher and `--var`.
public enum VariableName {
    /// The operators replaced by values before a step runs or an expectation is matched.
    public static let substitutionOperators = ["$$var", "$$now", "$$newObjectId"]

    /// Letters, digits and `_`, starting with a letter or `_`: a name that a dotted
    /// reference (`order.items.0`) can never make ambiguous.
    public static func isValid(_ name: String) -> Bool {
        // Most names are ASCII: decided byte by byte, without Unicode's property tables.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            guard let first = name.utf8.first, isASCIILetter(first) || first == UInt8(ascii: "_") else { return false }
            return name.utf8.allSatisfy { isASCIILetter($0) || $0 == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// `$$…`: a substitution operator, or in an expectation a matcher's; `hasPrefix("$$")`,
    /// which compares characters, answered from the bytes where they decide it, as every
    /// key of every step and result is asked. Only a non-ASCII byte after `$$` can join the
    /// second `$` into another character (`$$\u{301}x` is not an operator), so only then is
    /// the comparison by character made.
    public static func isOperatorKey(_ key: String) -> Bool {
        var bytes = key.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "$"), bytes.next() == UInt8(ascii: "$") else { return false }
        guard let third = bytes.next(), third >= 0x80 else { return true }
        return key.hasPrefix("$$")
    }

    /// The variable a reference starts from: `order` in `order.items.0.sku`.
    static func root(of reference: String) -> String {
        var segments = Segments(reference)
        return String(segments.next() ?? "")
    }

    /// The segments of a reference, `order`, `items`, `0` of `order.items.0`: split at each
    /// dot that is a character of its own (a combining mark after a dot makes it another
    /// character). In ASCII, the usual case, the dots are found by byte: walking grapheme
    /// clusters cost more than the lookup a reference is resolved for.
    struct Segments: Sequence, IteratorProtocol {
        /// What follows the segments read so far: `items.0` once `order` is read; nil
        /// after the last.
        private(set) var rest: Substring?
        private let ascii: Bool

        init(_ reference: String) {
            rest = reference[...]
            ascii = !reference.utf8.contains { $0 >= 0x80 }
        }

        mutating func next() -> Substring? {
            guard let text = rest else { return nil }
            guard let dot = ascii ? text.utf8.firstIndex(of: UInt8(ascii: ".")) : text.firstIndex(of: ".") else {
                rest = nil
                return text
            }
            rest = text[(ascii ? text.utf8.index(after: dot) : text.index(after: dot))...]
            return text[..<dot]
        }
    }

    /// `{"$$var": …}`: a value given by a variable, where a literal of some type is expected.
    static func isReference(_ value: BSON) -> Bool {
        guard let document = value.documentValue else { return false }
        return document.count == 1 && document.keys.first == "$$var"
    }

    /// The variable every sandbox file has: `preflight.uri`, `preflight.database` and
    /// `preflight.ports.NAME` of its services.
    public static let builtIn = "preflight"

    /// The names to suggest for an unknown one: `preflight` only when the name looks like
    /// it, so a typo in a file that runs no program is not answered with it.
    static func suggestions(for name: String, in scope: Set<String>) -> [String] {
        let similar = NearestName.suggestion(for: name, among: [builtIn]) != nil
        return scope.filter { $0 != builtIn || similar }.sorted()
    }
}
