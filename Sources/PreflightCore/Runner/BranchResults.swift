import Foundation
import Mongo

final class BranchResults: @unchecked Sendable {
    // @unchecked: `results` is guarded by `lock`.
    private let lock = NSLock()
    private var results: [RunFailure?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ failure: RunFailure) {
        lock.withLock { results[index] = failure }
    }

    var all: [RunFailure?] { lock.withLock { results } }
}
