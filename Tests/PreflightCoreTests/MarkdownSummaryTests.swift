import Foundation
import XCTest

@testable import PreflightCore

/// The Markdown summary (`--summary`) as a CI step summary shows it: the verdict first,
/// a table row per suite, the failures; no name or message may break the table or the list.
final class MarkdownSummaryTests: XCTestCase {
    private static let start = Date(timeIntervalSince1970: 1_709_622_489)

    func testAPassingRunIsAGo() {
        let suite = SuiteResult(
            name: "Billing", file: "scenarios/billing.json", classname: "scenarios.billing", timestamp: Self.start, duration: 3.1,
            tests: [
                TestResult(name: "a", outcome: .passed), TestResult(name: "b", outcome: .passed),
                TestResult(name: "c", outcome: .skipped(reason: "later")),
            ])
        let lines = Self.lines(MarkdownSummary(suites: [suite], duration: 4.2))
        XCTAssertEqual(lines.first, "## Preflight: GO — 2 passed, 0 failed, 1 skipped")
        XCTAssertTrue(lines.contains("3 tests in 1 file, 4.20 s."), "\(lines)")
        XCTAssertTrue(lines.contains("| scenarios/billing.json | Billing | 2 | 0 | 0 | 1 | 3.100 s |"), "\(lines)")
        XCTAssertFalse(lines.contains("### Failures"), "a passing run lists no failures")
    }

    func testAFailingRunIsANoGoWithARowPerSuiteAndItsFailures() {
        let summary = MarkdownSummary(suites: [JSONReportTests.billingSuite(), JSONReportTests.emptySuite()], duration: 2)
        let lines = Self.lines(summary)
        // Errors count as failed in the heading, as on the console; the table tells them apart.
        XCTAssertEqual(lines.first, "## Preflight: NO-GO — 1 passed, 2 failed, 1 skipped")
        XCTAssertEqual(
            lines.filter { $0.hasPrefix("| ") },
            [
                "| File | Scenario | Passed | Failed | Errored | Skipped | Time |",
                "| :--- | :--- | ---: | ---: | ---: | ---: | ---: |",
                "| scenarios/billing.json | billing | 1 | 1 | 1 | 1 | 1.500 s |",
                "| scenarios/empty.json | empty | 0 | 0 | 0 | 0 | 0.000 s |",
            ])
        XCTAssertEqual(
            lines.filter { $0.hasPrefix("- ") },
            [
                #"- **scenarios/billing.json** › totals the lines: tests\[1\].steps\[0\]: find orders: total: expected 3, got 4"#,
                "- **scenarios/billing.json** › survives a lost connection (error): connection reset",
            ])
        XCTAssertTrue(summary.markdown().hasSuffix("connection reset\n"))
    }

    /// A name or message from a scenario file or a server cannot end a row, open code,
    /// start math or vanish as an HTML tag.
    func testNamesAndMessagesAreOneEscapedLine() throws {
        let hostile = "a | b `code` <redacted> $$var *x* _y_ [l](u) ~s~ & \\ end\nsecond line\r\n\u{2028}third\u{1B}[31m"
        let suite = SuiteResult(
            name: hostile, file: "scenarios/pipe|file.json", classname: "c", timestamp: Self.start,
            tests: [TestResult(name: hostile, outcome: .failed(TestProblem(type: "mismatch", message: hostile)))])
        let markdown = MarkdownSummary(suites: [suite], duration: 0).markdown()
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        let escaped = #"a \| b \`code\` \<redacted\> \$\$var \*x\* \_y\_ \[l\](u) \~s\~ \& \\ end second line third \[31m"#
        let row = try XCTUnwrap(lines.first { $0.hasPrefix(#"| scenarios/pipe\|file.json"#) }, markdown)
        XCTAssertEqual(row, #"| scenarios/pipe\|file.json | "# + escaped + " | 0 | 1 | 0 | 0 | 0.000 s |")
        XCTAssertEqual(Self.unescapedPipes(row), 8, "a row of seven cells: \(row)")
        let item = try XCTUnwrap(lines.first { $0.hasPrefix("- ") }, markdown)
        XCTAssertEqual(item, #"- **scenarios/pipe\|file.json** › "# + escaped + ": " + escaped)
        XCTAssertFalse(markdown.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
        XCTAssertFalse(markdown.contains("\u{2028}"))
    }

    func testLongMessagesAreClipped() throws {
        let suite = SuiteResult(
            name: "s", file: "s.json", classname: "s", timestamp: Self.start,
            tests: [TestResult(name: "t", outcome: .failed(TestProblem(type: "mismatch", message: String(repeating: "x", count: 5_000))))])
        let item = try XCTUnwrap(Self.lines(MarkdownSummary(suites: [suite], duration: 0)).first { $0.hasPrefix("- ") })
        XCTAssertEqual(item, "- **s.json** › t: " + String(repeating: "x", count: 297) + "…")
    }

    func testAtMostFiftyFailuresAreListedAndTheRestCounted() {
        let tests = (1...62).map { TestResult(name: "test \($0)", outcome: .failed(TestProblem(type: "mismatch", message: "m\($0)"))) }
        let suite = SuiteResult(name: "s", file: "s.json", classname: "s", timestamp: Self.start, tests: tests)
        let items = Self.lines(MarkdownSummary(suites: [suite], duration: 0)).filter { $0.hasPrefix("- ") }
        XCTAssertEqual(items.count, MarkdownSummary.maximumFailures + 1)
        XCTAssertEqual(items.first, "- **s.json** › test 1: m1")
        XCTAssertEqual(items[49], "- **s.json** › test 50: m50")
        XCTAssertEqual(items.last, "- … and 12 more; the JUnit report has them all.")
    }

    func testWritingCreatesDirectoriesAndAnUnwritablePathIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/ci/summary.md"
        let summary = MarkdownSummary(suites: [JSONReportTests.billingSuite()], duration: 1)
        try summary.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), summary.markdown())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/ci"), ["summary.md"])

        let blocked = path + "/summary.md"
        XCTAssertThrowsError(try summary.write(to: blocked)) { error in
            XCTAssertEqual(error.localizedDescription, "Cannot write the Markdown summary to \(blocked): Not a directory.")
        }
        XCTAssertThrowsError(try MarkdownSummary.checkWritable(blocked))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), summary.markdown(), "the file in the way is untouched")
    }

    // MARK: - Helpers

    static func lines(_ summary: MarkdownSummary) -> [String] {
        summary.markdown().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The `|` that separate cells: those not escaped with a backslash.
    static func unescapedPipes(_ row: String) -> Int {
        var count = 0
        var escaped = false
        for character in row {
            if character == "|" && !escaped { count += 1 }
            escaped = character == "\\" && !escaped
        }
        return count
    }
}
