import Foundation
import Mongo

/// Runs steps in order. A step that fails stops its test with a `RunFailure`; inside a
/// transaction an operation's `MongoError` is thrown as it is, so the transaction's retry
/// rules can see its labels.
enum StepRunner {
    static func run(_ steps: [Step], _ environment: StepEnvironment) throws {
        for step in steps {
            try run(step, environment)
        }
    }

    static func run(_ step: Step, _ environment: StepEnvironment) throws {
        environment.log.append(.step(step))
        do {
            try perform(step, environment)
        } catch let failure as RunFailure where failure.problem.type == "variable" && !failure.problem.message.hasPrefix(step.title) {
            // A `$$var` that cannot be resolved is found deep in the substitution, which
            // knows the variable but not the step: name the step here, as every failure does.
            throw failure.prefixed(step.title)
        }
    }

    private static func perform(_ step: Step, _ environment: StepEnvironment) throws {
        switch step.kind {
        case .operation(let operation):
            try OperationStepRunner.run(operation, step: step, environment)

        case .run(let name, let arguments, let expectError):
            guard let procedure = environment.scenario.procedures[name] else {
                throw RunFailure.errored(TestProblem(type: "internal", message: "\(step.title): no procedure \"\(name)\""))
            }
            let bound = try Substitution.document(arguments, environment.scope)
            let scope = environment.scope.child(Dictionary(bound.elements.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
            guard let expectError else {
                return try nested(step) { try run(procedure.steps, environment.with(scope: scope)) }
            }
            var inner = environment.with(scope: scope)
            inner.passesErrorsUp = true
            do {
                try nested(step) { try run(procedure.steps, inner) }
            } catch let failed as ProcedureError {
                if let problem = try ErrorExpectation.check(failed.error, against: expectError, scope: environment.scope) {
                    throw RunFailure.failed(TestProblem(
                        type: "expectedError", message: "\(step.title): \(failed.step): \(problem)",
                        details: "step: \(failed.step)\n\(problem)\nerror: \(failed.error.description)"))
                }
                environment.log.append("  failed as expected at \(failed.step): \(failed.error.message)")
                return
            }
            throw RunFailure.failed(TestProblem(
                type: "expectedError", message: "\(step.title): expected the procedure to fail, but every step of it succeeded"))

        case .forEach(let variable, let element, let steps):
            let value = try environment.scope.resolve(variable)
            guard let elements = value.arrayValue else {
                throw RunFailure.failed(TestProblem(type: "variable", message: "\(step.title): \"\(variable)\" is not an array but \(Redaction.redact(value).extendedJSON(.relaxed).prefix(200))"))
            }
            for (index, item) in elements.enumerated() {
                try nested(step, "[\(index)]") { try run(steps, environment.with(scope: environment.scope.child([element: item]))) }
            }

        case .repeatSteps(let count, let steps):
            for iteration in 1...count {
                try nested(step, " iteration \(iteration) of \(count)") { try run(steps, environment) }
            }

        case .parallel(let branches):
            try ParallelBranches.run(branches, step: step, environment)

        case .transaction(let steps, let options, let expectError):
            try TransactionRunner.run(steps, options: options, expectError: expectError, step: step, environment)

        case .failPoint(let command):
            guard let name = command["configureFailPoint"]?.stringValue else { return }
            environment.failPoints.remember(name)
            do {
                try environment.client.runCommand(FailPointScope.limited(command, to: environment.pool.appName), on: "admin")
            } catch {
                throw RunFailure.errored(TestProblem(type: "serverError", message: "\(step.title): the server refused the fail point: \(error.message)"))
            }

        case .compat(let spec):
            try CompatStepRunner.run(spec, step: step, environment)

        case .sleep(let milliseconds):
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)

        case .expectVariable(let name, let expected):
            let actual = try environment.scope.resolve(name)
            let expected = try Substitution.apply(expected, environment.scope)
            // A saved result is matched as `expect` matched it: its documents are root-level.
            if let mismatch = Matcher().match(expected, actual, root: true, path: name) {
                throw RunFailure.failed(Failures.mismatch(step.title, mismatch, expected: expected, actual: actual))
            }

        case .check(let name):
            guard let check = environment.scenario.checks[name] else {
                throw RunFailure.errored(TestProblem(type: "internal", message: "\(step.title): no check \"\(name)\""))
            }
            try CheckRunner.evaluate(name, check, step: step, environment)

        case .exec(let exec):
            try ExecStepRunner.run(exec, step: step, environment)

        case .http(let http):
            try HTTPStepRunner.run(http, step: step, environment)
        }
    }

    /// Runs `body`; a failure inside it is prefixed with this step, so the report reads
    /// from the outside in: `tests[0].steps[1]: run billing.run: procedures.run.steps[0] …`.
    static func nested(_ step: Step, _ suffix: String = "", _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as RunFailure {
            throw failure.prefixed(step.title + suffix)
        }
    }
}
