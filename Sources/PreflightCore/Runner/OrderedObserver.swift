import Foundation

/// Passes a run's events on in the order of the files, whatever order `--jobs` finishes
/// them in: the file at the head of the order is reported live, the ones behind it are
/// held until it is done. With one job nothing is ever held, and the console reads the
/// same for any number of jobs.
final class OrderedObserver: @unchecked Sendable {
    // @unchecked: everything is guarded by `lock`, and the observer is only called under
    // it, so an observer that is not thread-safe (the console) never sees two calls at once.
    private enum Event {
        case suiteStarted(Scenario)
        case testStarted(ScenarioTest, Scenario)
        case testFinished(TestResult, Scenario)
        case suiteFinished(SuiteResult)
    }

    private let lock = NSLock()
    private let observer: RunObserver?
    private var head = 0
    private var held: [Int: [Event]] = [:]

    init(_ observer: RunObserver?) {
        self.observer = observer
    }

    /// The observer a suite's runner reports to; keep it alive while the suite runs
    /// (runners hold their observer weakly).
    func observer(forSuite index: Int) -> RunObserver {
        Suite(index: index, order: self)
    }

    private func record(_ event: Event, suite index: Int) {
        lock.withLock {
            guard index == head else {
                held[index, default: []].append(event)
                return
            }
            deliver(event)
            guard case .suiteFinished = event else { return }
            // The head is done: the files behind it that finished meanwhile come out now.
            head += 1
            while let events = held.removeValue(forKey: head) {
                events.forEach(deliver)
                guard events.contains(where: { if case .suiteFinished = $0 { true } else { false } }) else { break }
                head += 1
            }
        }
    }

    private func deliver(_ event: Event) {
        switch event {
        case .suiteStarted(let scenario): observer?.suiteStarted(scenario)
        case .testStarted(let test, let scenario): observer?.testStarted(test, in: scenario)
        case .testFinished(let result, let scenario): observer?.testFinished(result, in: scenario)
        case .suiteFinished(let suite): observer?.suiteFinished(suite)
        }
    }

    private final class Suite: RunObserver {
        let index: Int
        let order: OrderedObserver

        init(index: Int, order: OrderedObserver) {
            self.index = index
            self.order = order
        }

        func suiteStarted(_ scenario: Scenario) { order.record(.suiteStarted(scenario), suite: index) }
        func testStarted(_ test: ScenarioTest, in scenario: Scenario) { order.record(.testStarted(test, scenario), suite: index) }
        func testFinished(_ result: TestResult, in scenario: Scenario) { order.record(.testFinished(result, scenario), suite: index) }
        func suiteFinished(_ suite: SuiteResult) { order.record(.suiteFinished(suite), suite: index) }
    }
}
