import Foundation
import Mongo

/// Releases its parties together once all have arrived.
final class Barrier: @unchecked Sendable {
    // @unchecked: `waiting` is guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: Int

    init(parties: Int) {
        waiting = parties
    }

    func arriveAndWait() {
        condition.lock()
        defer { condition.unlock() }
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
        while waiting > 0 { condition.wait() }
    }
}
