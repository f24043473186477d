/// Which procedures run which, from their parsed steps: enough to refuse a procedure
/// that runs itself (it would never end) and a transaction that reaches another
/// transaction or a `parallel` step through `run`.
struct ProcedureGraph {
    private var calls: [String: [String]] = [:]
    /// Procedures with a `transaction` or `parallel` step of their own.
    private var direct: Set<String> = []

    init(_ procedures: [String: Procedure]) {
        for (name, procedure) in procedures {
            var called: [String] = []
            var hasTransaction = false
            Self.visit(procedure.steps) { step in
                switch step.kind {
                case .run(let target, _): called.append(target)
                case .transaction, .parallel: hasTransaction = true
                default: break
                }
            }
            calls[name] = called
            if hasTransaction { direct.insert(name) }
        }
    }

    /// Calls `body` with every step, nested steps included.
    static func visit(_ steps: [Step], _ body: (Step) -> Void) {
        for step in steps {
            body(step)
            switch step.kind {
            case .forEach(_, _, let inner), .repeatSteps(_, let inner), .transaction(let inner, _, _):
                visit(inner, body)
            case .parallel(let branches):
                branches.forEach { visit($0, body) }
            default:
                break
            }
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
