import Foundation
import Mongo

/// What one test did, line by line: its steps and, from command monitoring, the commands
/// it sent. Shown under a failure, in `--verbose`, and per test in `--junit-extended`.
/// Beside the lines, a record of each of the test's own steps, for the JSON report.
final class TestLog: @unchecked Sendable {
    // @unchecked: all state is guarded by `lock`; parallel branches write at once.
    private let lock = NSLock()
    /// Lines as they were recorded; a command becomes text only when the log is read
    /// (see `CommandLog`), which for a passing test is usually never.
    private var lines: [Line] = []
    /// Past this many lines only a count is kept: a 10,000-iteration loop must not
    /// turn a report into megabytes.
    private static let maximumLines = 2_000
    private var dropped = 0
    /// The same for step records: a `repeat: 10000` test of four steps would otherwise
    /// put 40,000 of them in the JSON report.
    static let maximumSteps = 1_000
    private var steps: [StepRecord] = []
    private var droppedSteps = 0
    private var iteration = 1

    enum Line {
        case text(String)
        /// A line made when the log is read.
        case deferred(@Sendable () -> String)
    }

    func append(_ line: String) {
        append(.text(line))
    }

    func append(_ line: Line) {
        lock.withLock {
            if lines.count < Self.maximumLines { lines.append(line) } else { dropped += 1 }
        }
    }

    /// Iteration `number` of a test that runs `count` times begins: said in the log
    /// when there is more than one, and carried by the step records that follow.
    func beginIteration(_ number: Int, of count: Int) {
        if count > 1 { append("— iteration \(number) of \(count)") }
        lock.withLock { iteration = number }
    }

    /// Records that `step`, one of the test's own, finished; `failure` is what stopped it.
    func record(_ step: Step, duration: TimeInterval, failure: RunFailure?) {
        lock.withLock {
            if steps.count < Self.maximumSteps {
                steps.append(StepRecord(step, iteration: iteration, duration: duration, failure: failure))
            } else {
                droppedSteps += 1
            }
        }
    }

    var text: String {
        let (kept, notKept): ([Line], Int) = lock.withLock { (lines, dropped) }
        let rendered: [String] = kept.map { line -> String in
            switch line {
            case .text(let text): return text
            case .deferred(let make): return make()
            }
        }
        return rendered.joined(separator: "\n") + (notKept > 0 ? "\n… \(notKept) more lines not kept" : "")
    }

    /// The log's text, made when first read: for a test's result, whose log most reports
    /// never show.
    var lazyText: LazyText {
        LazyText { self.text }
    }

    /// The step records kept, and how many more there were.
    var stepRecords: (kept: [StepRecord], notKept: Int) {
        lock.withLock { (steps, droppedSteps) }
    }
}
