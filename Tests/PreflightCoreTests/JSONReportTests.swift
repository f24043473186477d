import Foundation
import XCTest

@testable import PreflightCore

/// The JSON report (`--json`) as other tools read it: every document is parsed back with
/// Foundation's `JSONSerialization`, so hostile text must survive the trip unchanged and
/// the counts, outcomes and step records must be where format 1 says.
final class JSONReportTests: XCTestCase {
    private static let start = Date(timeIntervalSince1970: 1_709_622_489)  // 2024-03-05T07:08:09Z

    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDownWithError() throws {
        directory = nil
    }

    // MARK: - The document

    func testTheDocumentHasTheVersionFormatSummaryAndSuitesInOrder() throws {
        let report = JSONReport(suites: [Self.billingSuite(), Self.emptySuite()], startedAt: Self.start, duration: 2.5)
        let document = try Self.parse(report)

        let preflight = try XCTUnwrap(document["preflight"] as? [String: Any])
        XCTAssertEqual(preflight["version"] as? String, PreflightVersion.current)
        XCTAssertEqual(preflight["format"] as? Int, 1)
        XCTAssertEqual(document["startedAt"] as? String, "2024-03-05T07:08:09Z")
        XCTAssertEqual(document["duration"] as? Double, 2.5)
        let summary = try XCTUnwrap(document["summary"] as? [String: Any])
        XCTAssertEqual(
            ["suites", "tests", "passed", "failed", "errored", "skipped"].map { summary[$0] as? Int }, [2, 4, 1, 1, 1, 1])
        XCTAssertEqual(summary["outcome"] as? String, "fail")
        let passing = try Self.parse(JSONReport(suites: [Self.emptySuite()], startedAt: Self.start, duration: 0))
        XCTAssertEqual((passing["summary"] as? [String: Any])?["outcome"] as? String, "pass")
        // Keys in the documented order, for people and for diffs.
        let text = report.json()
        let keys = ["\"preflight\"", "\"startedAt\"", "\"duration\"", "\"summary\"", "\"suites\""].map { text.range(of: $0)?.lowerBound }
        XCTAssertEqual(keys.compactMap { $0 }, keys.compactMap { $0 }.sorted())
        XCTAssertEqual(keys.compactMap { $0 }.count, 5)
        XCTAssertTrue(text.hasSuffix("}\n"))

        let suites = try XCTUnwrap(document["suites"] as? [[String: Any]])
        XCTAssertEqual(suites.map { $0["file"] as? String }, ["scenarios/billing.json", "scenarios/empty.json"])
        let billing = suites[0]
        XCTAssertEqual(billing["name"] as? String, "billing")
        XCTAssertEqual(billing["classname"] as? String, "scenarios.billing")
        XCTAssertEqual(billing["timestamp"] as? String, "2024-03-05T07:08:09Z")
        XCTAssertEqual(billing["duration"] as? Double, 1.5)
        XCTAssertEqual(billing["properties"] as? [String: String], ["server.version": "7.0.2", "var.month": "\"2026-01\""])
        XCTAssertEqual(billing["systemOut"] as? String, "sandbox database: pf_abc123_1\n")
        XCTAssertEqual(billing["systemErr"] as? String, "")
        XCTAssertEqual((suites[1]["tests"] as? [Any])?.count, 0)
        XCTAssertEqual((suites[1]["properties"] as? [String: Any])?.count, 0)
    }

    func testEachOutcomeCarriesItsOwnKeys() throws {
        let tests = try Self.tests(of: JSONReport(suites: [Self.billingSuite()], startedAt: Self.start, duration: 1))
        XCTAssertEqual(tests.map { $0["outcome"] as? String }, ["passed", "failed", "errored", "skipped"])
        XCTAssertEqual(tests.map { $0["line"] as? Int }, [12, 20, nil, 40])
        XCTAssertTrue(tests[2]["line"] is NSNull, "an unknown line is null, not missing")
        XCTAssertEqual(tests.map { $0["duration"] as? Double }, [0.25, 0.5, 0.1, 0])

        XCTAssertEqual(tests[0].keys.sorted(), ["duration", "line", "name", "outcome", "output", "steps", "stepsNotRecorded"])
        XCTAssertEqual(
            tests[1]["failure"] as? [String: String],
            ["type": "mismatch", "message": "tests[1].steps[0]: find orders: total: expected 3, got 4", "details": "at: total"])
        XCTAssertNil(tests[1]["error"])
        XCTAssertEqual(tests[2]["error"] as? [String: String], ["type": "networkError", "message": "connection reset", "details": ""])
        XCTAssertNil(tests[2]["failure"])
        XCTAssertEqual(tests[3]["skipReason"] as? String, "requires server 8.0\nthis is 7.0")
        XCTAssertNil(tests[0]["skipReason"])
    }

    /// The runner adds the test's log to a failure's details for JUnit; in JSON the log is
    /// the test's `output`, and is not repeated in `details`.
    func testAFailuresDetailsLeaveTheCommandLogToOutput() throws {
        let log = "• tests[1].steps[0]: find orders\n→ pf_abc123_1.find {\"find\":\"orders\"}"
        let suite = SuiteResult(
            name: "s", file: "s.json", classname: "s", timestamp: Self.start,
            tests: [TestResult(
                name: "t", outcome: .failed(TestProblem(type: "mismatch", message: "m", details: "at: total\n\ncommands and steps:\n" + log)),
                output: log)])
        let test = try XCTUnwrap(Self.tests(of: JSONReport(suites: [suite], startedAt: Self.start, duration: 0)).first)
        XCTAssertEqual((test["failure"] as? [String: String])?["details"], "at: total")
        XCTAssertEqual(test["output"] as? String, log)
    }

    func testStepRecordsCarryIterationsOutcomesAndMessages() throws {
        let tests = try Self.tests(of: JSONReport(suites: [Self.billingSuite()], startedAt: Self.start, duration: 1))
        let passedSteps = try XCTUnwrap(tests[0]["steps"] as? [[String: Any]])
        XCTAssertEqual(passedSteps.count, 4)
        XCTAssertEqual(passedSteps.map { $0["iteration"] as? Int }, [1, 1, 2, 2])
        XCTAssertEqual(passedSteps.map { $0["kind"] as? String }, ["updateMany", "run", "updateMany", "run"])
        XCTAssertEqual(passedSteps[1]["title"] as? String, "tests[0].steps[1]: run billing.claim")
        XCTAssertEqual(passedSteps[1]["label"] as? String, "claim")
        XCTAssertTrue(passedSteps[0]["label"] is NSNull)
        XCTAssertEqual(passedSteps[0]["duration"] as? Double, 0.013)
        XCTAssertEqual(passedSteps.map { $0["outcome"] as? String }, ["passed", "passed", "passed", "passed"])
        XCTAssertNil(passedSteps[0]["message"], "a passed step has no message")
        XCTAssertEqual(tests[0]["stepsNotRecorded"] as? Int, 0)

        let failedSteps = try XCTUnwrap(tests[1]["steps"] as? [[String: Any]])
        XCTAssertEqual(failedSteps.map { $0["outcome"] as? String }, ["failed"])
        XCTAssertEqual(failedSteps.first?["message"] as? String, "tests[1].steps[0]: find orders: total: expected 3, got 4")
        XCTAssertEqual(tests[1]["stepsNotRecorded"] as? Int, 7)
        XCTAssertEqual((tests[3]["steps"] as? [Any])?.count, 0, "a skipped test ran no steps")
    }

    /// Durations are numbers with three decimals, never an exponent, a negative or NaN.
    func testDurationsHaveThreeDecimals() {
        let suite = SuiteResult(
            name: "s", file: "s.json", classname: "s", timestamp: Self.start, duration: 0.000_005,
            tests: [TestResult(name: "t", duration: -1, outcome: .passed, steps: [StepRecord(title: "x", kind: "find", duration: .nan)])])
        let text = JSONReport(suites: [suite], startedAt: Self.start, duration: 1234.5678).json()
        XCTAssertTrue(text.contains("\"duration\": 1234.568,"), text)
        XCTAssertTrue(text.contains("\"duration\": 0.000,"), text)
        XCTAssertFalse(text.contains("e-"), text)
        XCTAssertFalse(text.contains("nan"), text)
        XCTAssertFalse(text.contains("-1"), text)
    }

    // MARK: - Escaping

    func testHostileTextSurvivesTheTripUnchanged() throws {
        let hostile = "quotes \" and \\ backslash / slash\nnew line\r\n\ttab \u{0}\u{1}\u{8}\u{C}\u{1B}[31mred\u{1B}[0m \u{7F}\u{85} 🚀 👩‍👩‍👧 é"
            + " \u{2028}line\u{2029}paragraph \u{FEFF}\u{FFFE}"
        let suite = SuiteResult(
            name: hostile, file: hostile, classname: hostile, timestamp: Self.start,
            properties: [(name: hostile, value: hostile)],
            tests: [TestResult(
                name: hostile, outcome: .failed(TestProblem(type: hostile, message: hostile, details: hostile)), output: hostile,
                steps: [StepRecord(title: hostile, kind: "find", label: hostile, outcome: .failed, message: hostile)])],
            systemOut: hostile, systemErr: hostile)
        let report = JSONReport(suites: [suite], startedAt: Self.start, duration: 0)
        let document = try Self.parse(report)
        let parsedSuite = try XCTUnwrap((document["suites"] as? [[String: Any]])?.first)
        for key in ["name", "file", "classname", "systemOut", "systemErr"] {
            XCTAssertEqual(parsedSuite[key] as? String, hostile, key)
        }
        XCTAssertEqual(parsedSuite["properties"] as? [String: String], [hostile: hostile])
        let test = try XCTUnwrap((parsedSuite["tests"] as? [[String: Any]])?.first)
        XCTAssertEqual(test["name"] as? String, hostile)
        XCTAssertEqual(test["output"] as? String, hostile)
        XCTAssertEqual(test["failure"] as? [String: String], ["type": hostile, "message": hostile, "details": hostile])
        let step = try XCTUnwrap((test["steps"] as? [[String: Any]])?.first)
        for key in ["title", "label", "message"] {
            XCTAssertEqual(step[key] as? String, hostile, key)
        }

        // No raw control character, line separator or DEL reaches the file.
        let text = report.json()
        let raw = text.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
        XCTAssertEqual(raw.map { String($0.value, radix: 16) }, [])
        for escape in [#"quotes \" and \\ backslash"#, #"\n"#, #"\r"#, #"\t"#, #"\u0000\u0001\b\f\u001b[31m"#, #"\u007f\u0085"#, #"\u2028line\u2029"#] {
            XCTAssertTrue(text.contains(escape), "\(escape) is not in the report")
        }
        XCTAssertTrue(text.contains("/ slash"), "a slash needs no escape")
        XCTAssertTrue(text.contains("🚀 👩‍👩‍👧 é"), "other characters are written as they are")
    }

    func testQuotedEscapesEveryControlCharacterAsRFC8259Asks() {
        XCTAssertEqual(JSONValue.quoted(""), #""""#)
        XCTAssertEqual(JSONValue.quoted("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(JSONValue.quoted("\u{1F}\u{0B}"), #""\u001f\u000b""#)
        for value in UInt32(0)..<0x20 {
            let scalar = Unicode.Scalar(value)!
            let quoted = JSONValue.quoted(String(Character(scalar)))
            XCTAssertTrue(quoted.hasPrefix("\"\\"), "U+\(String(value, radix: 16)) is written raw: \(quoted.debugDescription)")
            let parsed = try? JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
            XCTAssertEqual(parsed, [String(Character(scalar))])
        }
    }

    // MARK: - Long text

    func testLongOutputKeepsItsHeadAndTail() throws {
        let output = "HEAD-MARKER\n" + String(repeating: "→ find {}\n", count: 20_000) + "TAIL-MARKER"
        let suite = SuiteResult(
            name: "s", file: "s.json", classname: "s", timestamp: Self.start, tests: [TestResult(name: "t", outcome: .passed, output: output)])
        let test = try XCTUnwrap(Self.tests(of: JSONReport(suites: [suite], startedAt: Self.start, duration: 0)).first)
        let kept = try XCTUnwrap(test["output"] as? String)
        XCTAssertTrue(kept.hasPrefix("HEAD-MARKER"))
        XCTAssertTrue(kept.hasSuffix("TAIL-MARKER"))
        XCTAssertLessThan(kept.utf8.count, 66 * 1024)
    }

    /// A `repeat: 10000` test must not put 40,000 step records in the report: the log keeps
    /// the first 1,000 and counts the rest.
    func testTheTestLogKeepsAThousandStepRecordsAndCountsTheRest() {
        let log = TestLog()
        let step = Step(
            kind: .sleep(milliseconds: 0), label: nil, path: JSONPath.root.key("tests").index(0).key("steps").index(0), file: "s.json")
        for iteration in 1...301 {
            log.beginIteration(iteration, of: 301)
            for _ in 0..<4 { log.record(step, duration: 0.001, failure: nil) }
        }
        log.record(step, duration: 0, failure: .failed(TestProblem(type: "mismatch", message: "late")))
        let records = log.stepRecords
        XCTAssertEqual(records.kept.count, TestLog.maximumSteps)
        XCTAssertEqual(records.kept.count, 1_000)
        XCTAssertEqual(records.notKept, 205)
        XCTAssertEqual(records.kept.first?.iteration, 1)
        XCTAssertEqual(records.kept.last?.iteration, 250)
        XCTAssertEqual(records.kept.first?.kind, "sleep")
        XCTAssertEqual(records.kept.first?.title, "tests[0].steps[0]: sleep 0 ms")
        // The lines keep one iteration (the last, as none failed) and count the others.
        XCTAssertTrue(log.text.hasPrefix("— iteration 301 of 301"), log.text)
        XCTAssertTrue(log.text.hasSuffix("— 300 other iterations not shown: 300 passed, 0 failed"), log.text)
    }

    /// Step messages are redacted where results are made, as the rest of a result is.
    func testStepMessagesAreRedactedWithTheRestOfTheResult() {
        let result = TestResult(
            name: "t", outcome: .passed,
            steps: [StepRecord(
                title: "tests[0].steps[0]: find users", kind: "find", outcome: .failed,
                message: #"tests[0].steps[0]: find users: result: expected [], got [{"password":"hunter2"}]"#)])
        let redacted = SuiteRunner.redacted(result)
        XCTAssertEqual(redacted.steps.first?.message, #"tests[0].steps[0]: find users: result: expected [], got [{"password":"<redacted>"}]"#)
    }

    // MARK: - Writing

    func testWritingCreatesDirectoriesAndLeavesOnlyTheReport() throws {
        let path = directory.path + "/reports/nested/preflight.json"
        let report = JSONReport(suites: [Self.billingSuite()], startedAt: Self.start, duration: 1)
        try report.write(to: path)
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try report.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), report.json())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/reports/nested"), ["preflight.json"])
    }

    func testWritingUnderARegularFileThrowsAnErrorNamingTheReportAndThePath() throws {
        let blocker = directory.path + "/blocker"
        try "x".write(toFile: blocker, atomically: false, encoding: .utf8)
        let path = blocker + "/preflight.json"
        XCTAssertThrowsError(try JSONReport(suites: [], startedAt: Self.start, duration: 0).write(to: path)) { error in
            XCTAssertEqual(error as? ReportFileError, .cannotWrite(report: "JSON report", path: path, reason: "Not a directory"))
            XCTAssertEqual(error.localizedDescription, "Cannot write the JSON report to \(path): Not a directory.")
        }
        XCTAssertThrowsError(try JSONReport.checkWritable(path))
        XCTAssertThrowsError(try JSONReport.checkWritable(directory.path), "a directory is not a report file")
        XCTAssertNoThrow(try JSONReport.checkWritable(directory.path + "/new/preflight.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/new"), [], "the probe is removed")
    }

    // MARK: - Helpers

    /// One test of each outcome, with step records: a repeated test's, and a failed step's.
    static func billingSuite() -> SuiteResult {
        let path = JSONPath.root.key("tests").index(0).key("steps")
        func steps(iterations: Int) -> [StepRecord] {
            (1...iterations).flatMap { iteration in
                [
                    StepRecord(title: "\(path.index(0)): updateMany orders", kind: "updateMany", iteration: iteration, duration: 0.0126),
                    StepRecord(
                        title: "\(path.index(1)): run billing.claim", kind: "run", label: "claim", iteration: iteration, duration: 0.5),
                ]
            }
        }
        let mismatch = "tests[1].steps[0]: find orders: total: expected 3, got 4"
        return SuiteResult(
            name: "billing", file: "scenarios/billing.json", classname: "scenarios.billing", timestamp: start, duration: 1.5,
            properties: [(name: "server.version", value: "7.0.2"), (name: "var.month", value: "\"2026-01\"")],
            tests: [
                TestResult(name: "bills once", line: 12, duration: 0.25, outcome: .passed, output: "→ find", steps: steps(iterations: 2)),
                TestResult(
                    name: "totals the lines", line: 20, duration: 0.5,
                    outcome: .failed(TestProblem(type: "mismatch", message: mismatch, details: "at: total")),
                    steps: [StepRecord(title: "tests[1].steps[0]: find orders", kind: "find", outcome: .failed, message: mismatch)],
                    stepsNotRecorded: 7),
                TestResult(
                    name: "survives a lost connection", duration: 0.1,
                    outcome: .errored(TestProblem(type: "networkError", message: "connection reset"))),
                TestResult(name: "needs 8.0", line: 40, outcome: .skipped(reason: "requires server 8.0\nthis is 7.0")),
            ],
            systemOut: "sandbox database: pf_abc123_1\n")
    }

    static func emptySuite() -> SuiteResult {
        SuiteResult(
            name: "empty", file: "scenarios/empty.json", classname: "scenarios.empty", timestamp: start,
            tests: [])
    }

    static func parse(_ report: JSONReport) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8))
        return try XCTUnwrap(object as? [String: Any], "the report is not a JSON object")
    }

    /// The tests of the first suite.
    static func tests(of report: JSONReport) throws -> [[String: Any]] {
        let suites = try XCTUnwrap(parse(report)["suites"] as? [[String: Any]])
        return try XCTUnwrap(suites.first?["tests"] as? [[String: Any]])
    }
}
