import Foundation
import Mongo

/// Evaluates named checks: a read step with an `expect`, in the test's database.
enum CheckRunner {
    static func evaluate(_ name: String, _ check: OperationStep, step: Step?, _ environment: StepEnvironment) throws {
        // Checks may come from a library, so they are named by where they are used (the
        // `check` step, or the test's `checks`), not by a path in some file.
        let checkStep = Step(kind: .operation(check), label: nil, path: .root, file: environment.scenario.file)
        do {
            try OperationStepRunner.run(check, step: checkStep, environment)
        } catch let failure as RunFailure {
            throw step.map { failure.prefixed($0.title) } ?? failure
        }
    }
}
