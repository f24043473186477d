import Foundation

/// One top-level step of a test as it ran: what it was, how long it took, how it ended.
///
/// Only the test's own `steps` are recorded, not the steps of a procedure, `forEach`,
/// `parallel` or `transaction` inside them: the record says which step of the file
/// failed and how long each took; the command log (`TestResult.output`) has the rest.
public struct StepRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case passed
        /// An expectation was not met.
        case failed
        /// Something unexpected went wrong: a server or network error.
        case errored
    }

    /// How reports name the step: `tests[0].steps[1]: run earlybird.runBilling`. Made
    /// when first read: most records are never shown.
    public var title: String {
        get { lazyTitle.value }
        set { lazyTitle = LazyText(newValue) }
    }
    var lazyTitle: LazyText
    /// The action the step is written with: `find`, `updateMany`, `command`, `run`,
    /// `parallel`, `transaction`, `expectVar`, …
    public var kind: String
    /// The step's `name`, when it has one.
    public var label: String?
    /// The iteration of a repeated test (`repeat`) the step ran in, from 1; 1 without `repeat`.
    public var iteration: Int
    /// Seconds the step took.
    public var duration: TimeInterval
    public var outcome: Outcome
    /// The failure's one-line message, when the step failed or errored.
    public var message: String?

    public init(
        title: String, kind: String, label: String? = nil, iteration: Int = 1, duration: TimeInterval = 0,
        outcome: Outcome = .passed, message: String? = nil
    ) {
        self.init(
            lazyTitle: LazyText(title), kind: kind, label: label, iteration: iteration, duration: duration, outcome: outcome,
            message: message)
    }

    init(
        lazyTitle: LazyText, kind: String, label: String?, iteration: Int, duration: TimeInterval, outcome: Outcome,
        message: String?
    ) {
        self.lazyTitle = lazyTitle
        self.kind = kind
        self.label = label
        self.iteration = iteration
        self.duration = duration
        self.outcome = outcome
        self.message = message
    }

    public static func == (lhs: StepRecord, rhs: StepRecord) -> Bool {
        lhs.title == rhs.title && lhs.kind == rhs.kind && lhs.label == rhs.label && lhs.iteration == rhs.iteration
            && lhs.duration == rhs.duration && lhs.outcome == rhs.outcome && lhs.message == rhs.message
    }
}
