/// Where a value sits in a scenario file, written the way users read it:
/// `tests[2].steps[0].filter`. Errors and mismatches name it so a reader can find the spot.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The last component, linked to the path before it. A path is made for every step
    /// of a file and for the keys its checks look at, nearly always to be dropped unread,
    /// so making one is one small allocation, not a copy of every component before it.
    private final class Link: Sendable {
        let parent: Link?
        let component: Component
        let count: Int

        init(_ parent: Link?, _ component: Component) {
            self.parent = parent
            self.component = component
            count = (parent?.count ?? 0) + 1
        }
    }

    private let last: Link?

    public init(_ components: [Component] = []) {
        last = components.reduce(nil) { Link($0, $1) }
    }

    private init(last: Link?) {
        self.last = last
    }

    public static let root = JSONPath()

    /// From the top: `tests`, `2`, `steps`, `0`.
    public var components: [Component] {
        var components: [Component] = []
        components.reserveCapacity(count)
        var link = last
        while let current = link {
            components.append(current.component)
            link = current.parent
        }
        return components.reversed()
    }

    public var count: Int { last?.count ?? 0 }

    public func key(_ key: String) -> JSONPath {
        JSONPath(last: Link(last, .key(key)))
    }

    public func index(_ index: Int) -> JSONPath {
        JSONPath(last: Link(last, .index(index)))
    }

    /// The path without its last component; the root stays the root.
    public var parent: JSONPath { JSONPath(last: last?.parent) }

    public var isRoot: Bool { last == nil }

    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool {
        var (a, b) = (lhs.last, rhs.last)
        guard a?.count == b?.count else { return false }
        while let left = a, let right = b {
            // Paths made from one another share their beginnings.
            if left === right { return true }
            if left.component != right.component { return false }
            (a, b) = (left.parent, right.parent)
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var link = last
        while let current = link {
            hasher.combine(current.component)
            link = current.parent
        }
    }

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
        // The ASCII test first: it is the usual key, and a report names many paths.
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
