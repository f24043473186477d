import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight run --json PATH --summary PATH` as CI runs it (the README, “Running (reports)”): the built binary
/// on the fixture folders, against the class's scratch server. Both reports are read back
/// and held to the JUnit report written by the same run, and, like it, are written on
/// every exit: invalid input, no server, an empty selection, Ctrl-C.
final class ReportFormatsCommandTests: ScratchServerTestCase {
    /// The fixture folders hold transactions and files that require a replica set.
    override class var topology: ScratchTopology { .replicaSet }

    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"


    private var junit: String { folder.path + "/reports/junit.xml" }
    private var json: String { folder.path + "/reports/json/preflight.json" }
    private var summary: String { folder.path + "/reports/summary.md" }

    // MARK: - Normal ends

    func testThePassingFolderWritesAJSONReportAndASummaryThatAgreeWithJUnit() throws {
        let run = try PreflightProcess.run(
            ["run", ScenarioFixtures.passing, "--uri", try serverURI, "--junit", junit, "--json", json, "--summary", summary])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("JSON report: \(json)\n"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("Markdown summary: \(summary)\n"), run.standardOutput)

        let document = try Self.readJSON(json)
        XCTAssertEqual(Self.counts(document), ["suites": 8, "tests": 37, "passed": 34, "failed": 0, "errored": 0, "skipped": 3])
        XCTAssertEqual((document["summary"] as? [String: Any])?["outcome"] as? String, "pass")
        try assertAgreesWithJUnit(document)

        let tests = try Self.tests(in: document)
        let repeated = try XCTUnwrap(tests["a repeated test starts every iteration from fresh fixtures"])
        let steps = try XCTUnwrap(repeated["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["iteration"] as? Int }, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4])
        XCTAssertEqual(
            steps.map { $0["kind"] as? String },
            Array(repeating: ["updateOne", "find", "insertOne", "count"], count: 4).flatMap { $0 })
        XCTAssertEqual(Set(steps.compactMap { $0["outcome"] as? String }), ["passed"])
        XCTAssertEqual(steps.first?["title"] as? String, "tests[1].steps[0]: updateOne counters")
        // Only the test's own steps: the five runs of the step inside `repeat` are not records.
        let nested = try XCTUnwrap(tests["a repeat step runs its steps N times in the same scope"]?["steps"] as? [[String: Any]])
        XCTAssertEqual(nested.map { $0["kind"] as? String }, ["repeat", "expectVar", "sleep"])
        let skipped = try XCTUnwrap(tests["a skipped test is reported skipped with its reason"])
        XCTAssertEqual(skipped["skipReason"] as? String, "waiting for ticket EB-42")
        XCTAssertEqual((skipped["steps"] as? [Any])?.count, 0)

        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        let lines = markdown.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "## Preflight: GO — 34 passed, 0 failed, 3 skipped", markdown)
        XCTAssertEqual(lines.filter { $0.hasPrefix("| ") }.count, 2 + 8, "a header, an alignment row and a row per file:\n\(markdown)")
        XCTAssertFalse(markdown.contains("### Failures"), markdown)
    }

    func testTheFailingFolderReportsEveryFailureWithItsCommandsAndNoSecret() throws {
        let run = try PreflightProcess.run(
            ["run", ScenarioFixtures.failing, "--uri", try serverURI, "--junit", junit, "--json", json, "--summary", summary])
        XCTAssertEqual(run.status, 1, run.transcript)

        let document = try Self.readJSON(json)
        XCTAssertEqual(Self.counts(document), ["suites": 6, "tests": 19, "passed": 0, "failed": 14, "errored": 5, "skipped": 0])
        XCTAssertEqual((document["summary"] as? [String: Any])?["outcome"] as? String, "fail")
        try assertAgreesWithJUnit(document)

        let tests = try Self.tests(in: document)
        let password = try XCTUnwrap(tests["a mismatch on a password field"])
        let failure = try XCTUnwrap(password["failure"] as? [String: String])
        XCTAssertEqual(failure["type"], "mismatch")
        XCTAssertTrue(failure["message"]?.hasPrefix("tests[0].steps[1]: find users: result[0].password: expected <redacted>") ?? false, "\(failure)")
        // The commands it sent, from the fixtures' insert to the failing find.
        let output = try XCTUnwrap(password["output"] as? String)
        let sent = output.split(separator: "\n").filter { $0.hasPrefix("→ ") }
        XCTAssertTrue(sent.contains { $0.contains(".insert {") && $0.contains(#""password":"<redacted>""#) }, output)
        XCTAssertTrue(sent.contains { $0.contains(".update {") }, output)
        XCTAssertTrue(sent.contains { $0.contains(".find {") }, output)
        let steps = try XCTUnwrap(password["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["outcome"] as? String }, ["passed", "failed"])
        XCTAssertEqual(steps.last?["message"] as? String, failure["message"])
        XCTAssertNil(steps.first?["message"])

        let errored = try XCTUnwrap(tests["a command the server refuses"])
        XCTAssertEqual(errored["outcome"] as? String, "errored")
        XCTAssertEqual((errored["error"] as? [String: String])?["type"], "serverError")
        XCTAssertEqual((errored["steps"] as? [[String: Any]])?.map { $0["outcome"] as? String }, ["errored"])

        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        let lines = markdown.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "## Preflight: NO-GO — 0 passed, 19 failed, 0 skipped", markdown)
        let failures = lines.filter { $0.hasPrefix("- **") }
        XCTAssertEqual(failures.count, 19, markdown)
        XCTAssertEqual(failures.filter { $0.contains(" (error): ") }.count, 5, markdown)
        XCTAssertTrue(markdown.contains(#"result\[0\].password: expected \<redacted\>, got \<redacted\>"#), markdown)

        let report = try String(contentsOfFile: json, encoding: .utf8)
        for secret in ["hunter2-pa55word", "s3cr3t-t0ken-value"] {
            XCTAssertFalse(report.contains(secret), "the JSON report shows \(secret)")
            XCTAssertFalse(markdown.contains(secret), "the summary shows \(secret)")
        }
    }

    // MARK: - Early ends

    func testAnInvalidFolderStillWritesTheJSONReportAndTheSummary() throws {
        // A stale JSON report from an earlier, passing run must not survive.
        try folder.write("reports/json/preflight.json", #"{"summary": {"outcome": "pass"}}"#)
        let run = try PreflightProcess.run(
            ["run", ScenarioFixtures.invalid, "--uri", Self.unreachable, "--junit", junit, "--json", json, "--summary", summary])
        XCTAssertEqual(run.status, 2, run.transcript)

        let files = ScenarioCatalog.jsonFiles(under: ScenarioFixtures.invalid).count
        let document = try Self.readJSON(json)
        XCTAssertEqual(Self.counts(document), ["suites": 1, "tests": files, "passed": 0, "failed": 0, "errored": files, "skipped": 0])
        XCTAssertEqual((document["summary"] as? [String: Any])?["outcome"] as? String, "fail")
        try assertAgreesWithJUnit(document)
        let suite = try XCTUnwrap((document["suites"] as? [[String: Any]])?.first)
        XCTAssertEqual(suite["name"] as? String, "invalid input: nothing was run")
        let unknownKey = try XCTUnwrap(Self.tests(in: document)[ScenarioFixtures.path("invalid/unknown-key.json")])
        XCTAssertEqual((unknownKey["error"] as? [String: String])?["type"], "invalidInput")
        XCTAssertTrue(
            (unknownKey["error"] as? [String: String])?["message"]?.contains("did you mean `expectError`?") ?? false, "\(unknownKey)")

        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("## Preflight: NO-GO — 0 passed, \(files) failed, 0 skipped\n"), markdown)
        XCTAssertTrue(markdown.contains(#"did you mean \`expectError\`?"#), markdown)
    }

    func testNoServerAndAnEmptySelectionStillWriteBothReports() throws {
        let unreachable = try PreflightProcess.run([
            "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", Self.unreachable, "--junit", junit,
            "--json", json, "--summary", summary,
        ])
        XCTAssertEqual(unreachable.status, 3, unreachable.transcript)
        var document = try Self.readJSON(json)
        XCTAssertEqual(try Self.tests(in: document)["server"]?["outcome"] as? String, "errored")
        XCTAssertTrue(try String(contentsOfFile: summary, encoding: .utf8).contains("Cannot reach the server"))

        let empty = try PreflightProcess.run([
            "run", ScenarioFixtures.passing, "--uri", try serverURI, "--filter", "no test is called this", "--junit", junit,
            "--json", json, "--summary", summary,
        ])
        XCTAssertEqual(empty.status, 64, empty.transcript)
        document = try Self.readJSON(json)
        XCTAssertEqual(try Self.tests(in: document)["selection"]?["outcome"] as? String, "errored")
        XCTAssertTrue(try String(contentsOfFile: summary, encoding: .utf8).hasPrefix("## Preflight: NO-GO — 0 passed, 1 failed"))
    }

    /// SIGINT in the second file: the JSON report and the summary, like the JUnit report,
    /// hold the first file's passed test and an `interrupted` error.
    func testAnInterruptWritesWhatFinishedToBothReports() throws {
        let first = try folder.write("run/1-first.json", #"""
            {"preflight": 1, "name": "first", "fixtures": {"orders": [{"_id": 1}]},
             "tests": [{"name": "the first file's test", "steps": [{"count": "orders", "expect": 1}]}]}
            """#)
        let second = try folder.write("run/2-second.json", #"""
            {"preflight": 1, "name": "second",
             "tests": [{"name": "the second file's slow test", "steps": [
               {"command": {"create": "second_file_is_running_json"}},
               {"sleep": 5000}
             ]}]}
            """#)
        let run = try PreflightProcess(["run", first, second, "--uri", try serverURI, "--junit", junit, "--json", json, "--summary", summary])
        XCTAssertNotNil(try waitForSandbox(holding: "second_file_is_running_json"), "the second file never started:\n\(run.transcript)")
        XCTAssertTrue(run.isRunning, "the run ended before it could be interrupted:\n\(run.transcript)")
        run.interrupt()
        XCTAssertTrue(run.waitForExit(timeout: 60), "preflight did not stop after SIGINT:\n\(run.transcript)")
        XCTAssertEqual(run.status, 130, run.transcript)

        let document = try Self.readJSON(json)
        try assertAgreesWithJUnit(document)
        let tests = try Self.tests(in: document)
        XCTAssertEqual(tests["the first file's test"]?["outcome"] as? String, "passed")
        XCTAssertEqual((tests["run"]?["error"] as? [String: String])?["type"], "interrupted")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("## Preflight: NO-GO — 1 passed, 1 failed, 0 skipped\n"), markdown)
        XCTAssertEqual(try sandboxesOnServer(), [], "sandboxes left after Ctrl-C:\n\(run.transcript)")
    }

    // MARK: - Paths

    func testAnUnwritableJSONOrSummaryPathExitsThreeBeforeAnyTestRuns() throws {
        let regularFile = try folder.write("not-a-directory", "x")
        let before = try withClient { try $0.databaseNames() }
        for (option, kind) in [("--json", "JSON report"), ("--summary", "Markdown summary")] {
            // --keep-databases: had any scenario run, its sandbox would still be there.
            let run = try PreflightProcess.run([
                "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", try serverURI, "--keep-databases",
                "--junit", junit, option, regularFile + "/report",
            ])
            XCTAssertEqual(run.status, 3, run.transcript)
            XCTAssertTrue(
                run.standardError.contains("Cannot write the \(kind) to \(regularFile)/report: Not a directory."), run.standardError)
            XCTAssertFalse(run.standardOutput.contains("✓"), run.standardOutput)
        }
        XCTAssertEqual(try withClient { try $0.databaseNames() }, before)
        XCTAssertEqual(try String(contentsOfFile: regularFile, encoding: .utf8), "x")
    }

    /// One report would overwrite the other: two spellings of one path are refused at once.
    func testTwoReportsOnOneFileIsAUsageError() throws {
        let relative = "reports/same-file-\(ObjectID().hex).json"
        let run = try PreflightProcess.run(["run", ScenarioFixtures.passing, "--junit", relative, "--summary", "./reports/../" + relative])
        XCTAssertEqual(run.status, 64, run.transcript)
        XCTAssertTrue(run.standardError.contains("--junit and --summary name the same file"), run.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ScratchServerTestCase.packageRoot + "/" + relative))
    }

    // MARK: - Helpers

    static func readJSON(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path) is not a JSON object")
    }

    /// The summary's counts, without the outcome.
    static func counts(_ document: [String: Any]) -> [String: Int] {
        (document["summary"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }

    /// Every test of every suite, by name (the fixture folders' names are unique).
    static func tests(in document: [String: Any]) throws -> [String: [String: Any]] {
        let suites = try XCTUnwrap(document["suites"] as? [[String: Any]])
        let tests = suites.flatMap { $0["tests"] as? [[String: Any]] ?? [] }
        return Dictionary(tests.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The JSON report holds the same tests, in the same order and with the same outcomes,
    /// as the JUnit report the run wrote beside it.
    func assertAgreesWithJUnit(_ document: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let junitOutcomes = ["passed": "passed", "failure": "failed", "error": "errored", "skipped": "skipped"]
        let expected = try JUnitCases.read(junit).map { "\($0.name): \(junitOutcomes[$0.outcome] ?? $0.outcome)" }
        let suites = try XCTUnwrap(document["suites"] as? [[String: Any]], file: file, line: line)
        let actual = suites.flatMap { $0["tests"] as? [[String: Any]] ?? [] }.map {
            "\($0["name"] as? String ?? ""): \($0["outcome"] as? String ?? "")"
        }
        XCTAssertEqual(actual, expected, file: file, line: line)
        XCTAssertFalse(actual.isEmpty, file: file, line: line)
    }
}
