import Foundation
import Mongo

/// A `transaction` step: its steps in one transaction on one session, retried as the
/// drivers' with-transaction helper does; `expectError` holds the failed transaction.
enum TransactionRunner {
    static func run(
        _ steps: [Step], options: TransactionOptions, expectError: ExpectedError?, step: Step, _ environment: StepEnvironment
    ) throws {
        let attempt = TransactionAttempt()
        let outcome: MongoError?
        do {
            let session = try environment.client.startSession()
            defer { session.end() }
            var inner = environment
            inner.session = session
            inner.transaction = attempt
            var number = 0
            try session.withTransaction(options) { _ in
                number += 1
                if number > 1 { environment.log.append("  transaction retried (attempt \(number))") }
                attempt.reset()
                do {
                    try StepRunner.run(steps, inner)
                } catch let error as MongoError where error.lostConnection {
                    // Retried, each attempt would wait out server selection again, for up to
                    // two minutes: a server that is gone ends the transaction now.
                    let cause = "\(environment.scenario.file), \(step.title): \(error.message)"
                    if environment.watch?.recheck(after: cause) != nil { throw ServerGone(error: error) }
                    throw error
                }
                // MongoDB aborts a transaction on an error, expected or not: there is
                // nothing to commit, and retrying would only meet the same error again.
                if attempt.expectedFailure != nil { throw ExpectedAbort() }
            }
            outcome = nil
        } catch let error as MongoError {
            outcome = error
        } catch let failure as RunFailure {
            throw failure.prefixed(step.title)
        } catch let gone as ServerGone {
            outcome = gone.error
        } catch is ExpectedAbort {
            environment.log.append("  transaction aborted by the expected error in \(attempt.expectedFailure?.step ?? "a step")")
            outcome = attempt.expectedFailure?.error
        }

        let failedStep = attempt.failedStep.map { " in \($0)" } ?? ""
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
            // Aborted by a step that expected its error: the transaction did what the test asked.
            if attempt.expectedFailure != nil && attempt.failedStep == nil { return }
            throw RunFailure.errored(Failures.unexpected(step.title + failedStep, error))
        }
    }
}

/// Ends a transaction whose server is gone: unlike the `MongoError` it carries, it is not
/// retried.
private struct ServerGone: Error {
    let error: MongoError
}
