import Foundation
import XCTest

@testable import PreflightCore

/// What a test's log shows: each command's reply under it, and for a repeated test that
/// fails, the first failing iteration in full and a count of the others.
final class CommandLogDetailTests: ScratchServerTestCase {
    func testTheLogShowsWhatTheServerAnswered() throws {
        let file = try folder.write("replies.json", #"""
            {"preflight": 1, "name": "replies", "fixtures": {"orders": [{"_id": 1, "status": "delivered"}]},
             "tests": [{"name": "t", "steps": [{"find": "orders", "filter": {}, "expect": [{"_id": 1}]}]}]}
            """#)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
        XCTAssertTrue(suite.tests[0].output.contains(#"← find ok ("#), suite.tests[0].output)
        XCTAssertTrue(suite.tests[0].output.contains(#"{"cursor":{"firstBatch":[{"_id":1,"status":"delivered"}]"#), suite.tests[0].output)
    }

    func testARepeatedFailureKeepsItsFirstFailingIterationAndCountsTheRest() throws {
        let counter = folder.path + "/counter"
        let file = try folder.write("repeat.json", #"""
            {"preflight": 1, "name": "repeat",
             "tests": [{"name": "fails on the 3rd and 5th", "repeat": 6, "steps": [
               {"exec": ["sh", "-c", "n=$(cat \"$1\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$1\"; echo run $n; [ $n -ne 3 ] && [ $n -ne 5 ]", "sh", "\#(counter)"]}]}]}
            """#)
        let suite = try runFile(file)
        let problem = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertTrue(problem.message.hasPrefix("2 of 6 iterations failed; the first (iteration 3): "), problem.message)
        let log = try XCTUnwrap(problem.details.components(separatedBy: SuiteRunner.logHeading).last)
        XCTAssertTrue(log.hasPrefix("— iteration 3 of 6"), log)
        XCTAssertTrue(log.contains("run 3"), log)
        for other in ["run 1", "run 2", "run 4", "run 5", "run 6", "iteration 5 of 6"] {
            XCTAssertFalse(log.contains(other), "\(other) should not be shown:\n\(log)")
        }
        XCTAssertTrue(log.hasSuffix("— 5 other iterations not shown: 4 passed, 1 failed"), log)
    }
}
