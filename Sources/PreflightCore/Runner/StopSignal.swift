import Foundation
import Mongo

/// Set once, read by every suite: why the rest of the run does not run.
final class StopSignal: @unchecked Sendable {
    enum Reason {
        /// `--fail-fast` has seen a failure.
        case failFast
        /// The scratch server is gone.
        case serverDied
        /// The server stopped answering: a connection was lost, and a short re-check found
        /// no server either.
        case serverLost

        /// The server is gone: nothing more can run, not even the rest of a test's iterations.
        var serverGone: Bool { self != .failFast }

        /// What a test that was not run because of it reports: skipped after `--fail-fast`,
        /// which chose to stop; an error when the server is gone, which nobody chose.
        var notRun: TestResult.Outcome {
            serverGone
                ? .errored(TestProblem(type: "environment", message: "not run: " + because))
                : .skipped(reason: "not run: " + because)
        }

        /// Why, as a clause: "not run: …", "iterations 4–50 not run: …".
        var because: String {
            switch self {
            case .failFast: "--fail-fast stopped the run after a failure"
            case .serverDied: "the scratch server stopped"
            case .serverLost: "the server stopped answering"
            }
        }
    }

    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: Reason?

    /// The first reason stays.
    func set(_ reason: Reason) { lock.withLock { if stored == nil { stored = reason } } }
    var reason: Reason? { lock.withLock { stored } }
}
