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

    public func key(_ key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    public func index(_ index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    public var isRoot: Bool { components.isEmpty }

    /// Keys that are not plain identifiers (`"a.b"`, `"$set"` is fine) are quoted so the
    /// path stays unambiguous.
    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let written):
                // A key is the user's text: clipped, so a 5 MB key is not printed whole.
                let key = written.clipped(to: 80)
                let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "-" }
                if plain {
                    if !out.isEmpty { out += "." }
                    out += key
                } else {
                    out += "[\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\"]"
                }
            case .index(let index):
                out += "[\(index)]"
            }
        }
        return out.isEmpty ? "(top level)" : out
    }
}
