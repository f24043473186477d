import Foundation
import XCTest

@testable import PreflightCore

/// Issue 11: Ctrl-C reports every test that finished, in every format — also those of the
/// file it interrupts, which the console had already shown. Through the built binary.
final class InterruptedFileReportTests: ScratchServerTestCase {
    /// SIGINT in a file's third test, with a whole file before it and a fourth test after:
    /// JUnit, --json and --summary hold the first file and the two tests of the second
    /// that finished, then the `interrupted` error; never the tests that did not finish.
    func testAnInterruptReportsTheFinishedTestsOfTheFileItStopsInEveryFormat() throws {
        let first = try folder.write("run/1-whole.json", #"""
            {"preflight": 1, "name": "a whole file", "fixtures": {"orders": [{"_id": 1}]},
             "tests": [{"name": "in the file before", "steps": [{"count": "orders", "expect": 1}]}]}
            """#)
        let second = try folder.write("run/2-interrupted.json", #"""
            {"preflight": 1, "name": "the file interrupted", "fixtures": {"orders": [{"_id": 1}]},
             "vars": {"region": "eu-west", "apiToken": "tok-9f3a7c"},
             "tests": [
              {"name": "finished first", "steps": [{"count": "orders", "expect": 1}]},
              {"name": "finished second", "steps": [{"count": "orders", "expect": 2}]},
              {"name": "running when interrupted", "steps": [
                {"command": {"create": "third_test_is_running"}},
                {"sleep": 20000}
              ]},
              {"name": "never started", "steps": [{"count": "orders", "expect": 1}]}
             ]}
            """#)
        let junit = folder.path + "/reports/junit.xml"
        let json = folder.path + "/reports/run.json"
        let summary = folder.path + "/reports/summary.md"
        let run = try PreflightProcess(
            ["run", first, second, "--uri", try serverURI, "--junit", junit, "--json", json, "--summary", summary])
        XCTAssertNotNil(try waitForSandbox(holding: "third_test_is_running"), "the third test never started:\n\(run.transcript)")
        XCTAssertTrue(run.isRunning, "the run ended before it could be interrupted:\n\(run.transcript)")
        run.interrupt()
        XCTAssertTrue(run.waitForExit(timeout: 60), "preflight did not stop after SIGINT:\n\(run.transcript)")
        XCTAssertEqual(run.status, 130, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("finished second"), "the console showed it:\n\(run.transcript)")

        let finished = ["in the file before", "finished first", "finished second"]
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.name), finished + ["run"], run.transcript)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "passed", "failure", "error"], run.transcript)
        let classnames = Set(cases.filter { $0.name.hasPrefix("finished") }.map(\.classname))
        XCTAssertEqual(classnames.count, 1, "both are the interrupted file's: \(cases)")
        XCTAssertTrue(cases.last?.message?.contains("interrupted by signal 2") ?? false, "\(cases)")

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let suites = report?["suites"] as? [[String: Any]] ?? []
        let tests = suites.flatMap { $0["tests"] as? [[String: Any]] ?? [] }
        XCTAssertEqual(tests.compactMap { $0["name"] as? String }, finished + ["run"])
        XCTAssertEqual(tests.compactMap { $0["outcome"] as? String }, ["passed", "passed", "failed", "errored"])
        XCTAssertEqual(suites.compactMap { $0["file"] as? String }.prefix(2), [first, second])
        // The interrupted file's properties, made when Ctrl-C asked for them: its vars,
        // the secret one masked.
        let properties = try XCTUnwrap(suites.dropFirst().first?["properties"] as? [String: String], "\(suites)")
        XCTAssertEqual(properties["var.region"], "\"eu-west\"", "\(properties)")
        XCTAssertEqual(properties["var.apiToken"], Redaction.placeholder, "\(properties)")
        XCTAssertEqual(properties["mode"], "sandbox", "\(properties)")
        XCTAssertFalse(try String(contentsOfFile: junit, encoding: .utf8).contains("tok-9f3a7c"))
        XCTAssertTrue(try String(contentsOfFile: junit, encoding: .utf8).contains(#"name="var.region""#))

        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertTrue(markdown.contains("| \(second) | the file interrupted | 1 | 1 | 0 | 0 |"), markdown)
        XCTAssertTrue(markdown.contains("finished second"), "the failure that finished is listed:\n\(markdown)")
        for report in [try String(contentsOfFile: junit, encoding: .utf8), markdown, String(decoding: try Data(contentsOf: URL(fileURLWithPath: json)), as: UTF8.self)] {
            XCTAssertFalse(report.contains("running when interrupted"), report)
            XCTAssertFalse(report.contains("never started"), report)
        }
        XCTAssertEqual(try sandboxesOnServer(), [], "sandboxes left after Ctrl-C:\n\(run.transcript)")
    }
}
