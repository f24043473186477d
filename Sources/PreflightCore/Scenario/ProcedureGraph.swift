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
                case .run(let target, _, _): called.append(target)
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

    /// Procedures that run a transaction or `parallel` step, themselves or through `run`:
    /// everything that reaches a `direct` one, found by walking the calls backwards once
    /// (a walk forwards from every procedure is quadratic in a long chain).
    var transactional: Set<String> {
        var callers: [String: [String]] = [:]
        for (caller, targets) in calls {
            for target in targets { callers[target, default: []].append(caller) }
        }
        var found = direct
        var queue = Array(direct)
        while let current = queue.popLast() {
            for caller in callers[current] ?? [] where found.insert(caller).inserted { queue.append(caller) }
        }
        return found.filter { calls[$0] != nil }
    }

    /// Procedures that can run themselves again through `run`, each with one such chain,
    /// e.g. `a → b → a`. Strongly connected components (Tarjan's, without recursion, so
    /// a chain of 10,000 procedures neither overflows the stack nor takes quadratic time).
    var cycles: [String: [String]] {
        var index: [String: Int] = [:]
        var low: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var next = 0
        var result: [String: [String]] = [:]
        for root in calls.keys.sorted() where index[root] == nil {
            // Each frame: the node and how many of its calls were followed.
            var frames: [(node: String, edge: Int)] = [(root, 0)]
            index[root] = next; low[root] = next; next += 1
            stack.append(root); onStack.insert(root)
            while let frame = frames.last {
                let targets = calls[frame.node] ?? []
                if frame.edge < targets.count {
                    frames[frames.count - 1].edge += 1
                    let target = targets[frame.edge]
                    guard calls[target] != nil else { continue }
                    if index[target] == nil {
                        index[target] = next; low[target] = next; next += 1
                        stack.append(target); onStack.insert(target)
                        frames.append((target, 0))
                    } else if onStack.contains(target) {
                        low[frame.node] = min(low[frame.node] ?? 0, index[target] ?? 0)
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { low[parent.node] = min(low[parent.node] ?? 0, low[frame.node] ?? 0) }
                guard low[frame.node] == index[frame.node] else { continue }
                var component: [String] = []
                while let member = stack.popLast() {
                    onStack.remove(member)
                    component.append(member)
                    if member == frame.node { break }
                }
                let members = Set(component)
                let selfLoop = component.count == 1 && (calls[frame.node] ?? []).contains(frame.node)
                guard component.count > 1 || selfLoop else { continue }
                for member in component { result[member] = chain(from: member, within: members) }
            }
        }
        return result
    }

    /// The shortest chain of `run`s from `name` back to it, inside its component.
    private func chain(from name: String, within members: Set<String>) -> [String] {
        var previous: [String: String] = [:]
        var queue = [name]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for next in calls[current] ?? [] where members.contains(next) {
                if next == name {
                    // Back from `current` to `name`, then forwards.
                    var backwards = [current]
                    while let last = backwards.last, last != name, let before = previous[last] { backwards.append(before) }
                    if backwards.last != name { backwards.append(name) }
                    return backwards.reversed() + [name]
                }
                if previous[next] == nil {
                    previous[next] = current
                    queue.append(next)
                }
            }
        }
        return [name, name]
    }
}
