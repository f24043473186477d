import Foundation

/// The console report (the README, “Running (reports)”): a line per test as it finishes, a failure's details
/// under it, and the closing `N passed, N failed, N skipped`.
public final class ConsoleReport: RunObserver {
    public enum Verbosity: Sendable {
        /// Failures and the summary only.
        case quiet
        case normal
        /// Also every test's steps and the commands it sent.
        case verbose
    }

    private let verbosity: Verbosity
    private let color: Bool
    private let write: (String) -> Void
    /// The transient "running …" line: drawn on a terminal only.
    private let progress: ProgressLine
    private var total = 0
    private var started = 0

    /// - Parameters:
    ///   - color: ANSI colour; the caller decides (a terminal, and no `NO_COLOR`).
    ///   - write: where lines go; standard output by default.
    ///   - progress: where to show the test that runs (`ProgressLine.wanted` says whether
    ///     the terminal can take it); none by default.
    public init(
        verbosity: Verbosity = .normal, color: Bool = false, progress: ProgressLine? = nil,
        write: @escaping (String) -> Void = ConsoleReport.standardOutput
    ) {
        self.verbosity = verbosity
        self.color = color
        self.progress = progress ?? ProgressLine(enabled: false)
        self.write = write
    }

    /// The number of tests the run will report, for the progress line's `[n/total]`.
    public func begin(total: Int) {
        self.total = total
    }

    public func testStarted(_ test: ScenarioTest, in scenario: Scenario) {
        started += 1
        progress.show("[\(started)/\(total)] \(test.name)" + (test.repeatCount > 1 ? " (×\(test.repeatCount))" : ""))
    }

    /// Shows what runs now that is not a test of a scenario (a migration's check).
    public func running(_ text: String) {
        progress.show(text)
    }

    public static func standardOutput(_ line: String) {
        StandardStream.output(line + "\n")
    }

    /// Colour only on a terminal, never with `NO_COLOR` (https://no-color.org) set.
    /// Nor where `TERM` is `dumb` (Emacs' shell), which shows escapes as text.
    public static func wantsColor(noColorFlag: Bool) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        return !noColorFlag && isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    public func suiteStarted(_ scenario: Scenario) {
        heading(file: scenario.file, name: scenario.name)
    }

    public func testFinished(_ result: TestResult, in scenario: Scenario) {
        testFinished(result, file: scenario.file)
    }

    /// A suite that ran as a whole, such as a compat spec (one scan serves all its checks):
    /// its heading, a line per test as `run` prints them, and its problems.
    public func report(_ suite: SuiteResult) {
        heading(file: suite.file, name: suite.name)
        for test in suite.tests { testFinished(test, file: suite.file) }
        suiteFinished(suite)
    }

    private func heading(file: String, name: String) {
        if verbosity != .quiet { write(paint(Self.printable("\(file) — \(name)"), .bold)) }
    }

    private func testFinished(_ result: TestResult, file: String) {
        progress.clear()
        let time = FixedPoint.text(result.duration, places: 3) + " s"
        switch result.outcome {
        case .passed:
            if verbosity != .quiet { write("  " + paint("✓", .green) + " \(Self.printable(result.name)) (\(time))") }
        case .failed(let problem), .errored(let problem):
            let isError = if case .errored = result.outcome { true } else { false }
            let prefix = verbosity == .quiet ? "  \(Self.printable(file)): " : "  "
            write(prefix + paint("✗", .red) + " \(Self.printable(result.name)) (\(time))" + (isError ? " — error" : ""))
            write(indent(Self.printable(problem.message), by: 6))
            let details = Self.printable(problem.details).components(separatedBy: SuiteRunner.logHeading).first ?? ""
            if !details.isEmpty { write(paint(indent(details, by: 6), .dim)) }
        case .skipped(let reason):
            if verbosity != .quiet { write("  " + paint("↷", .yellow) + " \(Self.printable(result.name)) — skipped: \(Self.printable(reason))") }
        }
        if verbosity == .verbose, !result.output.isEmpty {
            write(paint(indent(Self.printable(result.output), by: 6), .dim))
        }
    }

    public func suiteFinished(_ suite: SuiteResult) {
        let problems = Self.printable(suite.systemErr).trimmingCharacters(in: .newlines)
        if verbosity != .quiet, !problems.isEmpty { write(indent(problems, by: 2)) }
    }

    /// The closing lines; the very last is `N passed, N failed, N skipped`.
    public func summary(_ suites: [SuiteResult], duration: TimeInterval) {
        let passed = suites.reduce(0) { $0 + $1.passed }
        let failed = suites.reduce(0) { $0 + $1.failures }
        let errored = suites.reduce(0) { $0 + $1.errors }
        let skipped = suites.reduce(0) { $0 + $1.skipped }
        let seconds = FixedPoint.text(duration, places: 2)
        write("")
        if errored > 0 {
            write("\(errored) of the failed tests ended on an error the test did not expect rather than a wrong result (such as a command the server refused, a lost connection, or a variable or data that was not there); their messages say which.")
        }
        write("\(suites.count) file\(suites.count == 1 ? "" : "s") in \(seconds) s")
        let line = "\(passed) passed, \(failed + errored) failed, \(skipped) skipped"
        write(paint(line, failed + errored > 0 ? .red : .green))
    }

    /// Text from scenario files and servers with control characters replaced: a name
    /// holding an escape sequence must not repaint the user's terminal.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }) else {
            return text
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || scalar.value == 0x7F ? "\u{FFFD}" : scalar
        }))
    }

    private func paint(_ text: String, _ style: ANSIStyle) -> String {
        style.paint(text, when: color)
    }

    private func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}
