import Foundation

/// What a run has finished so far, test by test: what Ctrl-C reports. A file still
/// running is there with the tests it has finished, so an interrupted report loses only
/// the tests that were running, and says in every format what the console already showed.
final class RunProgress: @unchecked Sendable {
    // @unchecked: `suites` is only touched under `lock`.
    private let lock = NSLock()
    private var suites: [Int: (suite: SuiteResult, properties: (() -> [(name: String, value: String)])?)] = [:]

    /// Starts a new part of a command's work (the scenario files, a migration): what it
    /// finishes replaces what the part before it left, as its results replace theirs.
    func begin() {
        lock.withLock { suites = [:] }
    }

    /// Records file `index` as it stands now: up to its last finished test, or whole.
    /// - Parameter properties: the suite's properties, made only if Ctrl-C asks for
    ///   them: rendering a file's vars at every test it finishes would cost more than
    ///   the tests (and, made late, they are masked with every secret learned by then).
    func record(_ suite: SuiteResult, at index: Int, properties: (() -> [(name: String, value: String)])? = nil) {
        lock.withLock { suites[index] = (suite, properties) }
    }

    /// Every file begun, in order, each with the tests it finished.
    var finished: [SuiteResult] {
        let entries = lock.withLock { suites.sorted { $0.key < $1.key }.map(\.value) }
        return entries.map { entry in
            var suite = entry.suite
            if let properties = entry.properties { suite.properties = properties() }
            return suite
        }
    }
}
