import Foundation

extension ClientSession {
    /// Runs `body` in a transaction and commits it, retrying as the drivers' convenient
    /// transaction API does: the whole transaction again on `TransientTransactionError`,
    /// the commit again on `UnknownTransactionCommitResult`, for at most `timeLimit`.
    ///
    /// Written in Swift rather than through `mongoc_client_session_with_transaction` so
    /// that `body` can throw Swift errors and the retry rules are readable here.
    /// - Returns: what `body` returned from the attempt that committed.
    public func withTransaction<T>(
        _ options: TransactionOptions = TransactionOptions(), timeLimit: TimeInterval = 120,
        _ body: (ClientSession) throws -> T
    ) throws -> T {
        // A monotonic clock, as the spec asks: a wall-clock change must not stretch the limit.
        let start = ProcessInfo.processInfo.systemUptime
        func withinLimit() -> Bool { ProcessInfo.processInfo.systemUptime - start < timeLimit }

        var attempt = 0
        while true {
            // A short, growing pause before each retry (as the current convenient-transaction
            // spec asks): a conflict that repeats must not turn into a hot loop on the server.
            if attempt > 0 { Thread.sleep(forTimeInterval: min(0.005 * Double(attempt), 0.5)) }
            attempt += 1
            try startTransaction(options)
            let result: T
            do {
                result = try body(self)
            } catch {
                if isInTransaction { try? abortTransaction() }
                if let error = error as? MongoError, error.hasLabel("TransientTransactionError"), withinLimit() {
                    continue
                }
                throw error
            }
            // The body may have committed or aborted itself; then there is nothing to commit.
            guard isInTransaction else { return result }

            while true {
                do {
                    try commitTransaction()
                    return result
                } catch {
                    let timedOut = error.code == 50  // MaxTimeMSExpired: retrying cannot help.
                    if error.hasLabel("UnknownTransactionCommitResult"), !timedOut, withinLimit() {
                        continue
                    }
                    if error.hasLabel("TransientTransactionError"), withinLimit() {
                        break  // Run the whole transaction again.
                    }
                    throw error
                }
            }
        }
    }
}
