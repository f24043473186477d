import Mongo

/// Which procedures run which, read from the steps as written, before they are parsed:
/// enough to refuse a procedure that runs itself (it would never end) and a transaction
/// that reaches another transaction or a `parallel` step through `run`.
struct ProcedureGraph {
    private var calls: [String: [String]] = [:]
    /// Procedures with a `transaction` or `parallel` step of their own.
    private var direct: Set<String> = []

    init(_ procedures: [(name: String, steps: BSON?)]) {
        for (name, steps) in procedures {
            var called: [String] = []
            var hasTransaction = false
            // Steps are always array elements; a filter such as {"run": 1} is not.
            func visit(_ value: BSON, isElement: Bool) {
                switch value {
                case .array(let elements):
                    elements.forEach { visit($0, isElement: true) }
                case .document(let document):
                    if isElement {
                        if let target = document["run"]?.stringValue { called.append(target) }
                        if document["transaction"] != nil || document["parallel"] != nil { hasTransaction = true }
                    }
                    document.values.forEach { visit($0, isElement: false) }
                default:
                    break
                }
            }
            visit(steps ?? .null, isElement: false)
            calls[name] = called
            if hasTransaction { direct.insert(name) }
        }
    }

    /// Procedures that run a transaction or `parallel` step, themselves or through `run`.
    var transactional: Set<String> {
        Set(calls.keys.filter { name in reachable(from: name).contains { direct.contains($0) } })
    }

    /// A chain of `run`s that leads from `name` back to it, e.g. `["a", "b", "a"]`.
    func cycle(from name: String) -> [String]? {
        var path: [String] = [name]
        var visited: Set<String> = []
        func walk(_ current: String) -> Bool {
            for next in calls[current] ?? [] {
                if next == name {
                    path.append(next)
                    return true
                }
                guard visited.insert(next).inserted else { continue }
                path.append(next)
                if walk(next) { return true }
                path.removeLast()
            }
            return false
        }
        return walk(name) ? path : nil
    }

    private func reachable(from name: String) -> Set<String> {
        var seen: Set<String> = [name]
        var queue = [name]
        while let current = queue.popLast() {
            for next in calls[current] ?? [] where seen.insert(next).inserted { queue.append(next) }
        }
        return seen
    }
}
