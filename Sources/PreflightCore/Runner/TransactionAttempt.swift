import Foundation
import Mongo

/// What happened in the current attempt of a transaction, so a failure names its step
/// and an expected error ends the transaction instead of being retried.
final class TransactionAttempt: @unchecked Sendable {
    // @unchecked: used by the one thread running the transaction's steps.
    private(set) var expectedFailure: (step: String, error: MongoError)?
    /// The step whose unexpected error ended the attempt.
    var failedStep: String?

    func reset() {
        expectedFailure = nil
        failedStep = nil
    }

    func failedAsExpected(_ step: String, _ error: MongoError) {
        if expectedFailure == nil { expectedFailure = (step, error) }
    }
}

/// Ends a transaction whose step failed as expected, without a commit or a retry.
struct ExpectedAbort: Error {}
