/// Hears about a run as it goes, for the console report.
public protocol RunObserver: AnyObject {
    func suiteStarted(_ scenario: Scenario)
    /// A test is about to run (not called for tests that are skipped).
    func testStarted(_ test: ScenarioTest, in scenario: Scenario)
    func testFinished(_ result: TestResult, in scenario: Scenario)
    func suiteFinished(_ suite: SuiteResult)
}

extension RunObserver {
    /// Most observers only care about results.
    public func testStarted(_ test: ScenarioTest, in scenario: Scenario) {}
}
