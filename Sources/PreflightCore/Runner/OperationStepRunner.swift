import Mongo

/// One operation step: substitute variables, send, then hold the outcome to `expect` or
/// `expectError` and `save` what was asked.
enum OperationStepRunner {
    static func run(_ operation: OperationStep, step: Step, _ environment: StepEnvironment) throws {
        // Made only when a message needs it: most steps pass without one.
        var title: String { step.title }
        let arguments = operation.argumentsHoldVariables
            ? try Substitution.document(operation.arguments, environment.scope) : operation.arguments
        if let transaction = environment.transaction, let earlier = transaction.expectedFailure {
            // The server aborted the transaction at the expected error; nothing more runs in it.
            throw RunFailure.failed(TestProblem(
                type: "transaction",
                message: "\(title): cannot run: the expected error in \(earlier.step) aborted the transaction (MongoDB aborts a transaction on any error); put the step that expects an error last"))
        }
        let outcome: Result<(result: BSON, rootLevel: Bool), MongoError>
        do {
            outcome = .success(try environment.executor.execute(operation, arguments: arguments))
        } catch {
            outcome = .failure(error)
        }

        if let expected = operation.expectError {
            switch outcome {
            case .success(let success):
                throw RunFailure.failed(TestProblem(
                    type: "expectedError",
                    message: "\(title): expected an error, but the operation succeeded",
                    details: "step: \(title)\nresult: \(Failures.clip(Redaction.redact(success.result).extendedJSON(.relaxed)))"))
            case .failure(let error):
                if let problem = try ErrorExpectation.check(error, against: expected, action: operation.action, scope: environment.scope) {
                    throw RunFailure.failed(TestProblem(
                        type: "expectedError", message: "\(title): \(problem)",
                        details: "step: \(title)\n\(problem)\nerror: \(error.description)"))
                }
                environment.log.append("  failed as expected: \(error.message)")
                environment.transaction?.failedAsExpected(title, error)
                return
            }
        }

        let result: BSON, rootLevel: Bool
        switch outcome {
        case .success(let success):
            (result, rootLevel) = success
        case .failure(let error):
            // In a transaction the error goes up as it is: its labels decide a retry.
            if let transaction = environment.transaction {
                transaction.failedStep = title
                throw error
            }
            if environment.passesErrorsUp { throw ProcedureError(step: title, error: error) }
            throw RunFailure.errored(Failures.unexpected(title, error))
        }

        if let expect = operation.expect {
            let expected = operation.expectHoldsVariables ? try Substitution.apply(expect, environment.scope) : expect
            if let mismatch = Matcher().match(expected, result, root: rootLevel, path: "result") {
                throw RunFailure.failed(Failures.mismatch(title, mismatch, expected: expected, actual: result))
            }
        }
        try operation.save?.keep(result, title: title, in: environment.scope)
    }
}

/// An operation's error inside a `run` step that expects one: which step failed, and how.
struct ProcedureError: Error {
    let step: String
    let error: MongoError
}
