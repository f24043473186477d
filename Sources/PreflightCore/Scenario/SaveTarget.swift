import Mongo

/// What `save` keeps: the whole result under one name, or parts of it under several.
public enum SaveTarget: Sendable {
    case whole(String)
    /// `(variable, dotted path into the result)` pairs, in the order written.
    case paths([(variable: String, path: String)])

    public var variables: [String] {
        switch self {
        case .whole(let name): [name]
        case .paths(let pairs): pairs.map(\.variable)
        }
    }
}
