import Foundation
import Mongo

/// The Markdown summary (`--summary`, the README, “Running (reports)”): the verdict, a row per suite and the
/// failures, short enough for a CI step summary (GitHub's `$GITHUB_STEP_SUMMARY`).
///
///     ## Preflight: NO-GO — 11 passed, 1 failed, 1 skipped
///
///     13 tests in 2 files, 4.20 s.
///
///     | File | Scenario | Passed | Failed | Errored | Skipped | Time |
///     | :--- | :--- | ---: | ---: | ---: | ---: | ---: |
///     | scenarios/billing.json | Billing | 6 | 1 | 0 | 1 | 3.100 s |
///
///     ### Failures
///
///     - **scenarios/billing.json** › billing marks the order: tests\[0\].steps\[1\]: …
///
/// The heading counts as the console's last line does (errors count as failed); the table
/// tells failures and errors apart. Text from files and servers is made one line, clipped,
/// and escaped, so no name or message can end a table row or start a heading.
public struct MarkdownSummary: Sendable {
    public var suites: [SuiteResult]
    /// Seconds the run took.
    public var duration: TimeInterval
    /// At most this many failures are listed; the rest are counted. A summary is read by
    /// people, and GitHub refuses one over 1 MiB.
    public static let maximumFailures = 50

    public init(suites: [SuiteResult], duration: TimeInterval) {
        self.suites = suites
        self.duration = duration
    }

    public func markdown() -> String {
        var lines = heading()
        if !suites.isEmpty { lines += [""] + table() }
        let failures = failureItems()
        if !failures.isEmpty {
            lines += ["", "### Failures", ""] + failures.prefix(Self.maximumFailures)
            if failures.count > Self.maximumFailures {
                lines.append("- … and \(failures.count - Self.maximumFailures) more; the JUnit report has them all.")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The verdict with the console's closing counts, then the size of the run.
    private func heading() -> [String] {
        let tests = suites.reduce(0) { $0 + $1.tests.count }
        let failed = suites.reduce(0) { $0 + $1.failures + $1.errors }
        let passed = suites.reduce(0) { $0 + $1.passed }
        let skipped = suites.reduce(0) { $0 + $1.skipped }
        let seconds = FixedPoint.text(duration.isFinite ? max(duration, 0) : 0, places: 2)
        return [
            "## Preflight: \(failed > 0 ? "NO-GO" : "GO") — \(passed) passed, \(failed) failed, \(skipped) skipped", "",
            "\(tests) test\(tests == 1 ? "" : "s") in \(suites.count) file\(suites.count == 1 ? "" : "s"), \(seconds) s.",
        ]
    }

    private func table() -> [String] {
        let header = ["| File | Scenario | Passed | Failed | Errored | Skipped | Time |", "| :--- | :--- | ---: | ---: | ---: | ---: | ---: |"]
        return header + suites.map { suite in
            let cells = [Self.inline(suite.file, limit: 120), Self.inline(suite.name, limit: 120)]
                + [suite.passed, suite.failures, suite.errors, suite.skipped].map(String.init)
                + [JUnitReport.seconds(suite.duration) + " s"]
            return "| " + cells.joined(separator: " | ") + " |"
        }
    }

    /// A list item per failed or errored test: where, which, and its one-line message.
    private func failureItems() -> [String] {
        suites.flatMap { suite in
            suite.tests.compactMap { test -> String? in
                let problem: TestProblem
                var testName = Self.inline(test.name, limit: 120)
                switch test.outcome {
                case .failed(let failure): problem = failure
                case .errored(let error):
                    problem = error
                    testName += " (error)"
                case .passed, .skipped: return nil
                }
                return "- **\(Self.inline(suite.file, limit: 120))** › \(testName): " + Self.inline(problem.message, limit: 300)
            }
        }
    }

    /// `text` as one line of plain Markdown, at most `limit` characters before escaping.
    ///
    /// Line breaks and other control characters become spaces, so nothing ends a table
    /// row or a list item. Characters that Markdown, GitHub's tables and math, or HTML
    /// would read as syntax are backslash-escaped: `|` would split a cell, a backtick
    /// open code, `<redacted>` vanish as an unknown HTML tag, `$…$` turn into math.
    static func inline(_ text: String, limit: Int) -> String {
        // Known secrets masked before clipping and escaping, either of which would hide one.
        let spaced = String(String.UnicodeScalarView(SecretValues.shared.mask(text).unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.isWhitespace ? " " : scalar
        }))
        let line = spaced.split(separator: " ").joined(separator: " ").clipped(to: limit)
        var escaped = ""
        for character in line {
            if "\\`*_[]<>|~&$".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
