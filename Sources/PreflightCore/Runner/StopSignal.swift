import Foundation
import Mongo

/// Set once, read by every suite: why the rest of the run does not run.
final class StopSignal: @unchecked Sendable {
    enum Reason {
        /// `--fail-fast` has seen a failure.
        case failFast
        /// The scratch server is gone.
        case serverDied
    }

    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: Reason?

    /// The first reason stays.
    func set(_ reason: Reason) { lock.withLock { if stored == nil { stored = reason } } }
    var reason: Reason? { lock.withLock { stored } }
}
