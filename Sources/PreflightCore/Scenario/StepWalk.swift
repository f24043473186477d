/// Every step of a list at any depth, in the order written: the steps inside `forEach`,
/// `repeat`, `parallel` and `transaction`, and those of the procedures `run` calls (each
/// once: procedures may call each other). Each step comes before the steps inside it.
struct StepWalk {
    let procedures: [String: Procedure]
    private var visited: Set<String> = []

    init(procedures: [String: Procedure] = [:]) {
        self.procedures = procedures
    }

    /// The first step for which `found` is true, or nil when none is.
    mutating func first(in steps: [Step], where found: (Step) -> Bool) -> Step? {
        for step in steps {
            if found(step) { return step }
            let inner: [Step]
            switch step.kind {
            case .forEach(_, _, let steps), .repeatSteps(_, let steps), .transaction(let steps, _, _):
                inner = steps
            case .parallel(let branches):
                inner = branches.flatMap { $0 }
            case .run(let procedure, _, _):
                guard visited.insert(procedure).inserted, let steps = procedures[procedure]?.steps else { continue }
                inner = steps
            case .operation, .failPoint, .compat, .sleep, .expectVariable, .check, .exec, .http:
                continue
            }
            if let step = first(in: inner, where: found) { return step }
        }
        return nil
    }

    /// Calls `body` with every step.
    mutating func forEach(in steps: [Step], _ body: (Step) -> Void) {
        _ = first(in: steps) { step in
            body(step)
            return false
        }
    }
}
