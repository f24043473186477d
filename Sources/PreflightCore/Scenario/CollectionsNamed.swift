import Mongo

/// Every collection a list of steps names: the collection of each operation, a compat
/// spec's, and the ones a pipeline reads besides (`$lookup`'s `from`, `$graphLookup`'s
/// `from`, `$unionWith`'s `coll`, inside `$facet` and sub-pipelines too). A collection
/// reached only through `$lookup` is still read: if it is empty the join finds nothing,
/// and a check over it passes having checked nothing.
struct CollectionsNamed {
    private(set) var names: [String] = []
    private var walk: StepWalk

    init(procedures: [String: Procedure] = [:]) {
        walk = StepWalk(procedures: procedures)
    }

    mutating func visit(_ steps: [Step]) {
        // The walk remembers the procedures it has followed, from one call to the next.
        var walk = self.walk
        walk.forEach(in: steps) { step in
            switch step.kind {
            case .operation(let operation): visit(operation: operation)
            case .compat(let spec): add(spec.collection)
            default: break
            }
        }
        self.walk = walk
    }

    mutating func visit(operation: OperationStep) {
        if !operation.collection.isEmpty { add(operation.collection) }
        visit(pipeline: operation.arguments["pipeline"])
        // An `aggregate` command written out names its collection and pipeline itself.
        if operation.action == .command, let name = operation.arguments["aggregate"]?.stringValue { add(name) }
    }

    private mutating func visit(pipeline value: BSON?) {
        guard let stages = value?.arrayValue else { return }
        for stage in stages.compactMap(\.documentValue) {
            for (name, body) in stage {
                switch name {
                case "$lookup", "$graphLookup":
                    if let from = body.documentValue?["from"]?.stringValue { add(from) }
                    visit(pipeline: body.documentValue?["pipeline"])
                case "$unionWith":
                    if let coll = body.stringValue ?? body.documentValue?["coll"]?.stringValue { add(coll) }
                    visit(pipeline: body.documentValue?["pipeline"])
                case "$facet":
                    for (_, inner) in body.documentValue ?? [:] { visit(pipeline: inner) }
                default:
                    break
                }
            }
        }
    }

    mutating func add(_ name: String) {
        if !names.contains(name) { names.append(name) }
    }
}
