/// What a migration declares it may do to one collection: the fields `up` may add,
/// remove or change (dotted paths, as MongoDB writes them), or that `up` creates the
/// collection itself.
public struct DeclaredChanges: Sendable, Equatable {
    public var collection: String
    public var adds: [String]
    public var removes: [String]
    public var changes: [String]
    /// The collection does not exist before `up`, which creates it (a side collection
    /// recording what `up` did, so that `down` can undo it).
    public var created: Bool

    public init(collection: String, adds: [String] = [], removes: [String] = [], changes: [String] = [], created: Bool = false) {
        self.collection = collection
        self.adds = adds
        self.removes = removes
        self.changes = changes
        self.created = created
    }

    /// The declared paths as a tree, for comparing documents.
    var allowance: FieldAllowance {
        var root = FieldAllowance()
        for path in adds { root.allow(.add, at: path) }
        for path in removes { root.allow(.remove, at: path) }
        for path in changes { root.allow(.change, at: path) }
        return root
    }
}
