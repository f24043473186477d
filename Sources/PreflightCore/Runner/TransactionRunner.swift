import Mongo

/// A `transaction` step: its steps in one transaction on one session, retried as the
/// drivers' with-transaction helper does; `expectError` holds the failed transaction.
enum TransactionRunner {
    static func run(
        _ steps: [Step], options: TransactionOptions, expectError: ExpectedError?, step: Step, _ environment: StepEnvironment
    ) throws {
        let outcome: MongoError?
        do {
            let session = try environment.client.startSession()
            defer { session.end() }
            var inner = environment
            inner.session = session
            var attempt = 0
            try session.withTransaction(options) { _ in
                attempt += 1
                if attempt > 1 { environment.log.append("  transaction retried (attempt \(attempt))") }
                try StepRunner.run(steps, inner)
            }
            outcome = nil
        } catch let error as MongoError {
            outcome = error
        } catch let failure as RunFailure {
            throw failure.prefixed(step.title)
        }

        switch (outcome, expectError) {
        case (nil, nil):
            return
        case (nil, _?):
            throw RunFailure.failed(TestProblem(type: "expectedError", message: "\(step.title): expected the transaction to fail, but it committed"))
        case (let error?, let expected?):
            if let problem = try ErrorExpectation.check(error, against: expected, scope: environment.scope) {
                throw RunFailure.failed(TestProblem(type: "expectedError", message: "\(step.title): \(problem)"))
            }
        case (let error?, nil):
            throw RunFailure.errored(Failures.unexpected(step.title, error))
        }
    }
}
