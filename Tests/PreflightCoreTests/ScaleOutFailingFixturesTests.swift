import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `--jobs` on the failing fixtures, which hold transactions: on a replica set, where
/// MongoDB runs them (the rest of `ScaleOutTests` runs on a faster standalone).
final class ScaleOutFailingFixturesTests: ScratchServerTestCase {
    override class var topology: ScratchTopology { .replicaSet }


    /// The failing fixtures fail test by test in the same way with one job or three: the
    /// same outcomes, failure types and (normalised) messages, and the same console lines.
    func testTheFailingFixturesFailTheSameWayWithOneOrThreeJobs() throws {
        let expected = EarlyBirdPack.expectedTests(in: [EarlyBirdPack.failingFixtures])
        var runs: [(jobs: Int, cases: [JUnitReportFile.Case], suites: [String], console: [String], messages: [String])] = []
        for jobs in [1, 3] {
            let junit = folder.path + "/failing-\(jobs).xml"
            let run = try runBinary(["run", EarlyBirdPack.failingFixtures, "--uri", try serverURI, "--jobs", "\(jobs)", "--junit", junit])
            XCTAssertEqual(run.status, 1, "--jobs \(jobs): \(run.transcript)")
            XCTAssertEqual(run.lastLine, "0 passed, \(expected.count) failed, 0 skipped", run.transcript)
            JUnitCases.validate(junit)
            let suites = try JUnitReportFile.read(junit)
            let cases = suites.flatMap(\.cases).map { testCase -> JUnitReportFile.Case in
                var normalised = testCase
                normalised.message = RunNormalisation.message(testCase.message)
                return normalised
            }
            XCTAssertEqual(cases.map(\.key), expected, "--jobs \(jobs)")
            for testCase in cases {
                XCTAssertEqual(testCase.outcome, testCase.classname.hasSuffix(".errors") || testCase.classname.hasSuffix(".variables") ? "error" : "failure", "--jobs \(jobs): \(testCase)")
                XCTAssertFalse(testCase.message?.isEmpty ?? true, "--jobs \(jobs): \(testCase)")
            }
            // The line under each ✗ is the failure's message.
            let lines = run.lines
            let messages = lines.indices.filter { lines[$0].hasPrefix("  ✗ ") && $0 + 1 < lines.count }
                .map { RunNormalisation.message(lines[$0 + 1].trimmingCharacters(in: .whitespaces)) ?? "" }
            XCTAssertEqual(messages.count, expected.count, run.transcript)
            runs.append((jobs, cases, suites.map(\.package), run.testLines, messages))
            XCTAssertEqual(try runDatabasesOnServer(), [], "--jobs \(jobs) left sandboxes")
            try assertNoFailPointLeftOn()
        }
        guard runs.count == 2 else { return XCTFail("both runs should have been compared") }
        XCTAssertEqual(runs[1].suites, runs[0].suites, "suites in another order")
        XCTAssertEqual(runs[1].cases, runs[0].cases, "outcomes or failure messages differ between --jobs 1 and --jobs 3")
        XCTAssertEqual(runs[1].console, runs[0].console, "the console's test lines differ")
        XCTAssertEqual(runs[1].messages, runs[0].messages, "the console's failure messages differ")
    }
}
