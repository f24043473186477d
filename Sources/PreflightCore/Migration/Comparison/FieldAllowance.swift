/// The changes a migration declared, as a tree of field names: a node says what may
/// happen to the field it stands for, and its children speak for fields inside it.
struct FieldAllowance: Sendable, Equatable {
    enum Kind: String, Sendable, Comparable {
        case add = "adds"
        case remove = "removes"
        case change = "changes"

        static func < (lhs: Kind, rhs: Kind) -> Bool {
            [Kind.add, .remove, .change].firstIndex(of: lhs) ?? 0 < [Kind.add, .remove, .change].firstIndex(of: rhs) ?? 0
        }
    }

    /// What may happen to this field itself; empty when only fields inside it are declared.
    var kinds: Set<Kind> = []
    var children: [String: FieldAllowance] = [:]

    /// Declares `kind` at a dotted `path`.
    mutating func allow(_ kind: Kind, at path: String) {
        allow(kind, at: path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)[...])
    }

    private mutating func allow(_ kind: Kind, at segments: ArraySlice<String>) {
        guard let head = segments.first else {
            kinds.insert(kind)
            return
        }
        children[head, default: FieldAllowance()].allow(kind, at: segments.dropFirst())
    }

    /// The node for an element of an array this node stands for: a numeric path segment
    /// names one element, any other applies to every element (as in a MongoDB query).
    func element(_ index: Int) -> FieldAllowance {
        children[String(index)] ?? FieldAllowance(children: children)
    }

    /// `adds`, `adds and changes`: how a message names what was declared.
    var declaredAs: String {
        kinds.sorted().map { "\"\($0.rawValue)\"" }.joined(separator: " and ")
    }
}
