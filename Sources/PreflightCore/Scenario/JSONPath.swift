/// Where a value sits in a scenario file, written the way users read it:
/// `tests[2].steps[0].filter`. Errors and mismatches name it so a reader can find the spot.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = JSONPath()

    // Appended to a copy, not `components + [x]`: that makes a one-element array first,
    // and paths are made for every step a file holds.
    public func key(_ key: String) -> JSONPath {
        var path = self
        path.components.append(.key(key))
        return path
    }

    public func index(_ index: Int) -> JSONPath {
        var path = self
        path.components.append(.index(index))
        return path
    }

    public var isRoot: Bool { components.isEmpty }

    /// Keys that are not plain identifiers (`"a.b"`, `"$set"` is fine) are quoted so the
    /// path stays unambiguous.
    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                let (text, plain) = Self.written(key: key)
                if plain && !out.isEmpty { out += "." }
                out += text
            case .index(let index):
                out += "[\(index)]"
            }
        }
        return out.isEmpty ? "(top level)" : out
    }

    /// How a path writes `key`: as it is when it is a plain identifier (letters, digits,
    /// `_`, `$`, `-`), which follows a dot; else quoted in brackets, `["a.b"]`. A key is the
    /// user's text: clipped, so a 5 MB key is not printed whole.
    static func written(key: String) -> (text: String, plain: Bool) {
        // The ASCII test first: it is the usual key, and the matcher writes the path of
        // every key it compares, passing or not.
        if !key.isEmpty, key.utf8.count <= 80, key.utf8.allSatisfy(isPlainASCII) { return (key, true) }
        let clipped = key.clipped(to: 80)
        if !clipped.isEmpty, clipped.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "-" }) {
            return (clipped, true)
        }
        return ("[\"" + clipped.replacingOccurrences(of: "\"", with: "\\\"") + "\"]", false)
    }

    private static func isPlainASCII(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || byte == UInt8(ascii: "-")
    }
}
