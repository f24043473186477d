import Foundation

/// What a run has finished so far, test by test: what Ctrl-C reports. A file still
/// running is there with the tests it has finished, so an interrupted report loses only
/// the tests that were running, and says in every format what the console already showed.
final class RunProgress: @unchecked Sendable {
    // @unchecked: `suites` is only touched under `lock`.
    private let lock = NSLock()
    private var suites: [Int: SuiteResult] = [:]

    /// Starts a new part of a command's work (the scenario files, a migration): what it
    /// finishes replaces what the part before it left, as its results replace theirs.
    func begin() {
        lock.withLock { suites = [:] }
    }

    /// Records file `index` as it stands now: up to its last finished test, or whole.
    func record(_ suite: SuiteResult, at index: Int) {
        lock.withLock { suites[index] = suite }
    }

    /// Every file begun, in order, each with the tests it finished.
    var finished: [SuiteResult] {
        lock.withLock { suites.sorted { $0.key < $1.key }.map(\.value) }
    }
}
