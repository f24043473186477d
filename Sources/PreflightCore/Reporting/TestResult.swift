import Foundation

/// One test of a suite: one JUnit `<testcase>`.
public struct TestResult: Sendable {
    public enum Outcome: Sendable {
        case passed
        /// An expectation was not met (JUnit `<failure>`).
        case failed(TestProblem)
        /// Something unexpected went wrong: a server or network error (JUnit `<error>`).
        case errored(TestProblem)
        /// Not run, with the reason (JUnit `<skipped>`).
        case skipped(reason: String)
    }

    public var name: String
    /// The line of the test's `name` in its file, for `--junit-extended`.
    public var line: Int?
    public var duration: TimeInterval
    public var outcome: Outcome
    /// The test's own log: steps and commands sent, shown for failures and in
    /// `--junit-extended`. Made when first read.
    public var output: String {
        get { lazyOutput.value }
        set { lazyOutput = LazyText(newValue) }
    }
    var lazyOutput: LazyText
    /// The test's own steps as they ran, iteration by iteration, for the JSON report; at
    /// most 1,000 (`stepsNotRecorded` counts the rest).
    public var steps: [StepRecord]
    /// Steps that ran beyond the ones recorded: a long `repeat` must not swamp a report.
    public var stepsNotRecorded: Int
    /// Named counts a check measured (a compat field's `missing`, `wrongType`, …), in the
    /// order measured, for the JSON report; empty for scenario tests.
    public var figures: [(name: String, value: Int)]

    public init(
        name: String, line: Int? = nil, duration: TimeInterval = 0, outcome: Outcome, output: String = "",
        steps: [StepRecord] = [], stepsNotRecorded: Int = 0, figures: [(name: String, value: Int)] = []
    ) {
        self.name = name
        self.line = line
        self.duration = duration
        self.outcome = outcome
        self.lazyOutput = LazyText(output)
        self.steps = steps
        self.stepsNotRecorded = stepsNotRecorded
        self.figures = figures
    }
}
