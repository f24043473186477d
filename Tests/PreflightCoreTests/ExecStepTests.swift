import Foundation
import XCTest

@testable import PreflightCore

/// `exec` steps on a real scratch server: the result, exit codes, timeouts (nothing left
/// running), the environment and variables, `parallel`, and redaction of what a program prints.
final class ExecStepTests: ScratchServerTestCase {
    func testTheResultCarriesExitCodeOutputAndJSONAndTheSandboxConnection() throws {
        let file = try folder.write("exec.json", #"""
            {"preflight": 1, "name": "exec", "database": "app", "vars": {"who": "world", "count": 3},
             "fixtures": {"items": [{"_id": 1}]},
             "tests": [{"name": "a program sees the sandbox", "steps": [
               {"exec": ["sh", "-c", "printf '{\"hello\": \"%s\", \"n\": %s, \"db\": \"%s\", \"uri\": \"%s\", \"extra\": \"%s\"}' \"$1\" \"$2\" \"$PREFLIGHT_DATABASE\" \"$PREFLIGHT_URI\" \"$EXTRA\"; echo warning >&2",
                         "sh", {"$$var": "who"}, {"$$var": "count"}],
                "env": {"EXTRA": {"$$var": "who"}},
                "expect": {"exitCode": 0, "stderr": "warning\n", "json": {"hello": "world", "n": 3, "db": {"$$var": "preflight.database"}, "uri": {"$$var": "preflight.uri"}}},
                "save": {"database": "json.db", "out": "stdout"}},
               {"name": "the program's database is the sandbox the steps use", "command": {"dbStats": 1}, "expect": {"db": {"$$var": "database"}}},
               {"exec": ["cat"], "stdin": {"$$var": "who"}, "expect": {"stdout": "world", "exitCode": 0}},
               {"name": "a program that prints no JSON has no json", "exec": ["echo", "plain text"], "expect": {"json": {"$$exists": false}, "stdout": "plain text\n"}}
             ]}]}
            """#)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
    }

    func testANonZeroExitFailsTheStepUnlessExpectNamesTheExitCode() throws {
        let file = try folder.write("exit.json", #"""
            {"preflight": 1, "name": "exit codes",
             "tests": [
               {"name": "unexpected", "steps": [{"exec": ["sh", "-c", "echo partial output; echo 'billing: no such month' >&2; exit 3"]}]},
               {"name": "expected", "steps": [{"exec": ["sh", "-c", "exit 3"], "expect": {"exitCode": 3}}]},
               {"name": "expected zero, got three", "steps": [{"exec": ["sh", "-c", "exit 3"], "expect": {"exitCode": 0}}]},
               {"name": "a json mismatch", "steps": [{"exec": ["echo", "{\"billed\": 2}"], "expect": {"json": {"billed": 3}}}]}
             ]}
            """#)
        let suite = try runFile(file)
        let unexpected = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertEqual(unexpected.message, "tests[0].steps[0]: exec sh: exited with status 3: billing: no such month")
        XCTAssertTrue(unexpected.details.contains("partial output"), unexpected.details)
        assertPassed(suite.tests[1])
        XCTAssertTrue(try XCTUnwrap(problem(suite.tests[2])).message.contains("result.exitCode: expected 0, got 3"), "\(suite.tests[2].outcome)")
        XCTAssertTrue(try XCTUnwrap(problem(suite.tests[3])).message.contains("result.json.billed: expected 3, got 2"), "\(suite.tests[3].outcome)")
    }

    /// The timeout kills the program and what it started: a background child that would
    /// outlive a plain kill of the program is gone too.
    func testATimeoutKillsTheWholeProcessGroupAndKeepsTheOutputSoFar() throws {
        let pidFile = folder.path + "/pids"
        let file = try folder.write("timeout.json", #"""
            {"preflight": 1, "name": "timeout",
             "tests": [{"name": "a program that hangs", "steps": [
               {"exec": ["sh", "-c", "sleep 300 & echo $! > \"$1\"; echo $$ >> \"$1\"; echo started; sleep 300", "sh", "\#(pidFile)"], "timeoutMS": 400}]}]}
            """#)
        let started = Date()
        let suite = try runFile(file)
        let problem = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertEqual(problem.type, "timeout")
        XCTAssertEqual(problem.message, "tests[0].steps[0]: exec sh: still running after 400 ms (timeoutMS); it and every process it started were killed")
        XCTAssertTrue(problem.details.contains("started"), problem.details)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the run waited for the program instead of killing it")
        let pids = ProgramProcesses.pids(in: pidFile)
        XCTAssertEqual(pids.count, 2, "the program wrote its pid and its child's")
        XCTAssertEqual(ProgramProcesses.survivors(pids, within: 5), [], "left running after the timeout")
    }

    /// Two programs in `parallel` start together: each waits for the other's mark, which
    /// only works when both run at once.
    func testProgramsInParallelBranchesRunAtTheSameTime() throws {
        let file = try folder.write("parallel.json", #"""
            {"preflight": 1, "name": "parallel",
             "tests": [{"name": "two programs meet", "repeat": 3, "steps": [{"parallel": [
               [{"exec": ["sh", "-c", "touch a.$PREFLIGHT_DATABASE; i=0; while [ ! -e b.$PREFLIGHT_DATABASE ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e b.$PREFLIGHT_DATABASE ]"], "cwd": "work"}],
               [{"exec": ["sh", "-c", "touch b.$PREFLIGHT_DATABASE; i=0; while [ ! -e a.$PREFLIGHT_DATABASE ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e a.$PREFLIGHT_DATABASE ]"], "cwd": "work"}]
             ]}, {"exec": ["sh", "-c", "rm -f a.* b.*"], "cwd": "work"}]}]}
            """#)
        try FileManager.default.createDirectory(atPath: folder.path + "/work", withIntermediateDirectories: true)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
    }

    /// What a program prints goes into reports like everything else: a secret it echoes is masked.
    func testASecretAProgramPrintsIsRedactedInTheReport() throws {
        let file = try folder.write("secret.json", #"""
            {"preflight": 1, "name": "secret", "vars": {"apiToken": "tok-8f3e9d2c41"},
             "tests": [{"name": "prints the token and fails", "steps": [
               {"exec": ["sh", "-c", "echo \"using $1\"; echo \"bad token $1\" >&2; exit 1", "sh", {"$$var": "apiToken"}]}]}]}
            """#)
        let suite = try runFile(file)
        let problem = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertFalse((problem.message + problem.details + suite.tests[0].output).contains("tok-8f3e9d2c41"), problem.message + problem.details)
        XCTAssertTrue(problem.details.contains("using "), problem.details)
    }
}
