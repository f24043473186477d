import Foundation

/// What the gate is checking now, on the terminal's progress line. The gate prints its
/// items only once the pending migrations have said which failures they fix, so without
/// this line it would sit silent for as long as its scenarios and copies take.
public final class GateProgress: RunObserver {
    // Its counts change only in `begin`, before the scenario run starts, and in that run's
    // observer calls, which come one at a time (`OrderedObserver`).
    private let line: ProgressLine
    private var total = 0
    private var started = 0

    public init(_ line: ProgressLine) {
        self.line = line
    }

    /// The scenario section is about to run `total` tests.
    func begin(scenarios total: Int) {
        self.total = total
        started = 0
    }

    /// A stage of the gate that is not a scenario test: a compat scan, a migration's copy.
    public func stage(_ text: String) {
        line.show(text)
    }

    public func testStarted(_ test: ScenarioTest, in scenario: Scenario) {
        started += 1
        line.show("scenarios [\(started)/\(total)] " + Self.test(test.name, in: scenario.file))
    }

    /// A test as the line shows it: its name first, where a narrow terminal clips last.
    static func test(_ name: String, in file: String) -> String {
        "\(name) (\((file as NSString).lastPathComponent))"
    }

    public func suiteStarted(_ scenario: Scenario) {}
    public func testFinished(_ result: TestResult, in scenario: Scenario) {}
    public func suiteFinished(_ suite: SuiteResult) {}
}
