import Foundation

extension StepRecord {
    /// The record of `step`, run in `iteration`; `failure` is what stopped it, if anything.
    init(_ step: Step, iteration: Int, duration: TimeInterval, failure: RunFailure?) {
        let outcome: Outcome = switch failure {
        case nil: .passed
        case .failed: .failed
        case .errored: .errored
        }
        self.init(
            lazyTitle: LazyText { step.title }, kind: Self.kind(of: step.kind), label: step.label, iteration: iteration,
            duration: duration, outcome: outcome, message: failure?.problem.message)
    }

    /// The key the step is written with in a scenario file, so a tool reading the report
    /// can group steps by the words the user wrote.
    private static func kind(of kind: Step.Kind) -> String {
        switch kind {
        case .operation(let operation): operation.action.rawValue
        case .run: "run"
        case .forEach: "forEach"
        case .repeatSteps: "repeat"
        case .parallel: "parallel"
        case .transaction: "transaction"
        case .failPoint: "failPoint"
        case .compat: "compat"
        case .sleep: "sleep"
        case .expectVariable: "expectVar"
        case .check: "check"
        case .exec: "exec"
        case .http: "http"
        }
    }
}
