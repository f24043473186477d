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
    /// A repeated test keeps the lines of its first failing iteration (of its last, when
    /// none fails) and counts the others: one `repeat: 20` failure made a 93 KB report of
    /// twenty near-identical logs.
    private var iterationStart = 0
    private var currentFailed = false
    private var keptIteration: Int?
    private var otherIterations = (passed: 0, failed: 0)

    enum Line {
        case text(String)
        /// A line made when the log is read.
        case deferred(@Sendable () -> String)
        /// A command or its reply, rendered when the log is read. Kept as the event, not as
        /// a closure over it: one allocation fewer for each of a run's commands and replies.
        case command(CommandEvent)
        /// A step's title line, made when the log is read.
        case step(Step)
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
        lock.withLock {
            if number > 1 && keptIteration != iteration { dropCurrentIteration(from: &lines, counting: &otherIterations) }
            iteration = number
            currentFailed = false
            iterationStart = lines.count
        }
        if count > 1 { append("— iteration \(number) of \(count)") }
    }

    /// The running iteration failed: the first to do so keeps its lines.
    func iterationFailed() {
        lock.withLock {
            currentFailed = true
            if keptIteration == nil { keptIteration = iteration }
        }
    }

    /// Takes the running iteration's lines out of `lines` and counts it; under `lock`.
    private func dropCurrentIteration(from lines: inout [Line], counting others: inout (passed: Int, failed: Int)) {
        if currentFailed { others.failed += 1 } else { others.passed += 1 }
        if iterationStart < lines.count { lines.removeSubrange(iterationStart...) }
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
        let (kept, notKept, others): ([Line], Int, (passed: Int, failed: Int)) = lock.withLock {
            var kept = lines, others = otherIterations
            // The last iteration goes too when an earlier one is the failure kept.
            if let keptIteration, keptIteration != iteration { dropCurrentIteration(from: &kept, counting: &others) }
            return (kept, dropped, others)
        }
        let count = others.passed + others.failed
        let othersLine = count == 0 ? "" : "\n— \(count) other iteration\(count == 1 ? "" : "s") not shown: \(others.passed) passed, \(others.failed) failed"
        let rendered: [String] = kept.map { line -> String in
            switch line {
            case .text(let text): return text
            case .deferred(let make): return make()
            case .command(let event): return CommandLog.line(for: event)
            case .step(let step): return "• \(step.title)"
            }
        }
        return rendered.joined(separator: "\n") + (notKept > 0 ? "\n… \(notKept) more lines not kept" : "") + othersLine
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
