import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// the README, “Running (reports)”: the JUnit report is always written — also when a run ends early: invalid
/// input (exit 2), no server (exit 3), a selection that matches nothing (exit 64), Ctrl-C
/// (exit 130), a scratch server that dies mid-run (exit 3). CI reads the report even when
/// the job failed, so a stale one from an earlier, passing run must never survive: it
/// would turn a NO-GO into a GO. Through the built binary, end to end.
final class EarlyExitReportTests: ScratchServerTestCase {
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"

    static let passing = #"""
        {"preflight": 1, "name": "a passing scenario",
         "fixtures": {"orders": [{"_id": 1}]},
         "tests": [{"name": "STALE-PASSING-TEST", "steps": [{"count": "orders", "expect": 1}]}]}
        """#

    /// Leaves at `junit` the report of a passing run, as an earlier CI job would.
    private func writeStaleReport(_ junit: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try folder.write("stale/passing.json", Self.passing)
        let result = try PreflightProcess.run(["run", path, "--uri", try serverURI, "--junit", junit], timeout: 120)
        XCTAssertEqual(result.status, 0, result.transcript, file: file, line: line)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["passed"], file: file, line: line)
    }

    /// The report at `junit` is valid, new, and holds no trace of the stale passing run.
    @discardableResult
    private func assertFreshReport(_ junit: String, file: StaticString = #filePath, line: UInt = #line) throws -> [JUnitCases.Case] {
        JUnitCases.validate(junit, file: file, line: line)
        let text = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertFalse(text.contains("STALE-PASSING-TEST"), "the stale report was left in place:\n\(text)", file: file, line: line)
        return try JUnitCases.read(junit)
    }

    // MARK: - exit 2

    func testInvalidInputReplacesTheReportWithOneErrorPerInvalidFile() throws {
        let junit = folder.path + "/reports/junit.xml"
        try writeStaleReport(junit)
        let invalid = folder.path + "/invalid"
        try folder.write("invalid/a-unknown-key.json", #"""
            {"preflight": 1, "name": "a",
             "tests": [{"name": "t", "steps": [{"find": "orders", "fitler": {}}]}]}
            """#)
        try folder.write("invalid/b-two-problems.json", #"""
            {"preflight": 1, "name": "b", "database": "admin",
             "tests": [{"name": "t", "steps": [{"command": {"applyOps": []}}]}]}
            """#)
        try folder.write("invalid/c-valid.json", Self.passing)
        // Unreachable: an invalid run must not even look for the server.
        let result = try PreflightProcess.run(["run", invalid, "--uri", Self.unreachable, "--junit", junit], timeout: 120)
        XCTAssertEqual(result.status, 2, result.transcript)

        let cases = try assertFreshReport(junit)
        XCTAssertEqual(cases.map(\.name), [invalid + "/a-unknown-key.json", invalid + "/b-two-problems.json"], result.transcript)
        XCTAssertEqual(cases.map(\.outcome), ["error", "error"])
        XCTAssertTrue(
            cases.first?.message?.hasPrefix(invalid + "/a-unknown-key.json:2:55: tests[0].steps[0].fitler: unknown key `fitler`") ?? false,
            "\(String(describing: cases.first?.message))")
        XCTAssertTrue(cases.last?.message?.hasPrefix(invalid + "/b-two-problems.json:1:31: database: ") ?? false, "\(String(describing: cases.last?.message))")
        // Both of the second file's problems are in the report.
        let report = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(report.contains(invalid + "/b-two-problems.json:2:37: tests[0].steps[0].command: the command"), report)
    }

    // MARK: - exit 3

    func testAnUnreachableServerReplacesTheReport() throws {
        let junit = folder.path + "/junit.xml"
        try writeStaleReport(junit)
        let path = try folder.write("run/passing.json", Self.passing)
        let result = try PreflightProcess.run(["run", path, "--uri", Self.unreachable, "--junit", junit], timeout: 120)
        XCTAssertEqual(result.status, 3, result.transcript)
        XCTAssertTrue(result.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), result.transcript)

        let cases = try assertFreshReport(junit)
        XCTAssertEqual(cases.map(\.outcome), ["error"], result.transcript)
        XCTAssertTrue(cases.first?.message?.contains("Cannot reach the server at mongodb://127.0.0.1:1/") ?? false, "\(cases)")
    }

    // MARK: - exit 64

    func testAFilterThatSelectsNothingReplacesTheReport() throws {
        let junit = folder.path + "/junit.xml"
        try writeStaleReport(junit)
        let path = try folder.write("run/passing.json", Self.passing)
        let result = try PreflightProcess.run(
            ["run", path, "--uri", Self.unreachable, "--filter", "no test is called this", "--junit", junit], timeout: 120)
        XCTAssertEqual(result.status, 64, result.transcript)

        let cases = try assertFreshReport(junit)
        XCTAssertEqual(cases.map(\.outcome), ["error"], result.transcript)
        XCTAssertTrue(cases.first?.message?.contains(#"No test matches --filter "no test is called this""#) ?? false, "\(cases)")
    }

    // MARK: - Ctrl-C

    /// SIGINT while the second file runs: exit 130, the report holds the first file's
    /// passed test and an `interrupted` error, and the sandboxes are dropped.
    func testAnInterruptWritesWhatFinishedAndDropsTheSandboxes() throws {
        let junit = folder.path + "/junit.xml"
        try writeStaleReport(junit)
        let first = try folder.write("run/1-first.json", #"""
            {"preflight": 1, "name": "first", "fixtures": {"orders": [{"_id": 1}]},
             "tests": [{"name": "the first file's test", "steps": [{"count": "orders", "expect": 1}]}]}
            """#)
        let second = try folder.write("run/2-second.json", #"""
            {"preflight": 1, "name": "second",
             "tests": [{"name": "the second file's slow test", "steps": [
               {"command": {"create": "second_file_is_running"}},
               {"sleep": 5000}
             ]}]}
            """#)
        let run = try PreflightProcess(["run", first, second, "--uri", try serverURI, "--junit", junit])
        // The second file's sandbox exists once the first suite has finished.
        let sandbox = try waitForSandbox(holding: "second_file_is_running")
        XCTAssertNotNil(sandbox, "the second file never started:\n\(run.transcript)")
        XCTAssertTrue(run.isRunning, "the run ended before it could be interrupted:\n\(run.transcript)")
        run.interrupt()
        XCTAssertTrue(run.waitForExit(timeout: 60), "preflight did not stop after SIGINT:\n\(run.transcript)")
        XCTAssertEqual(run.status, 130, run.transcript)

        let cases = try assertFreshReport(junit)
        XCTAssertEqual(cases.count, 2, "\(cases)")
        let passed = cases.first { $0.name == "the first file's test" }
        XCTAssertEqual(passed?.outcome, "passed", "\(cases)")
        let interrupted = cases.first { $0.outcome == "error" }
        XCTAssertTrue(interrupted?.message?.contains("interrupted by signal 2") ?? false, "\(cases)")
        let report = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(report.contains(#"type="interrupted""#), report)
        XCTAssertEqual(try sandboxesOnServer(), [], "sandboxes left after Ctrl-C:\n\(run.transcript)")
    }

    /// SIGINT while three files write as fast as they can, one per job: the run's
    /// commands are held back before the sandboxes are dropped, so no write brings one
    /// back after the drop.
    func testAnInterruptDuringWritesOnSeveralJobsLeavesNoSandbox() throws {
        var files: [String] = []
        for number in 1...3 {
            files.append(try folder.write("busy/\(number).json", """
                {"preflight": 1, "name": "busy \(number)",
                 "tests": [{"name": "writes until interrupted", "steps": [
                   {"repeat": 1000000, "steps": [{"insertOne": "busy_writer", "document": {"n": \(number)}}]}
                 ]}]}
                """))
        }
        let run = try PreflightProcess(["run"] + files + ["--uri", try serverURI, "--jobs", "3", "--junit", folder.path + "/junit.xml"])
        XCTAssertNotNil(try waitForSandbox(holding: "busy_writer"), "no file started writing:\n\(run.transcript)")
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertTrue(run.isRunning, "the run ended before it could be interrupted:\n\(run.transcript)")
        run.interrupt()
        XCTAssertTrue(run.waitForExit(timeout: 60), "preflight did not stop after SIGINT:\n\(run.transcript)")
        XCTAssertEqual(run.status, 130, run.transcript)
        XCTAssertEqual(try sandboxesOnServer(), [], "sandboxes left after Ctrl-C:\n\(run.transcript)")
    }

    // MARK: - A scratch server that dies

    /// A scratch "server" that is SecantusDB, killed a second after the run's first test
    /// touches `bin/started` (not after a fixed time: a busy machine may take longer than
    /// that to reach the test). Its name has no "mongod" in it, so `--scratch PATH` starts it
    /// with SecantusDB's command line and reads the port from the `listening on` line it
    /// forwards.
    private func dyingServer() throws -> String {
        let secantus = ScratchServerTestCase.packageRoot + "/.venv/bin/secantusd-py"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: secantus), "no SecantusDB at \(secantus)")
        let script = try folder.write("bin/dying-secantusd", """
            #!/bin/sh
            # SecantusDB, killed a second after bin/started appears. pdeathsig: should this
            # script itself be killed first, the server and the log forwarder go with it.
            log="$(dirname "$0")/server.log"
            started="$(dirname "$0")/started"
            : > "$log"
            setpriv --pdeathsig KILL -- '\(secantus)' "$@" >"$log" 2>&1 &
            server=$!
            setpriv --pdeathsig KILL -- tail -n +1 -F -s 0.1 "$log" 2>/dev/null &
            forward=$!
            until [ -e "$started" ]; do
              kill -0 "$server" 2>/dev/null || break
              sleep 0.1
            done
            sleep 1
            kill -9 "$server"
            wait "$server"
            echo "dying-secantusd: killed the server (pid $server)"
            sleep 0.3
            kill "$forward"
            exit 137

            """)
        guard chmod(script, 0o755) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        return script
    }

    func testAScratchServerThatDiesStopsTheRunWithExitThree() throws {
        let junit = folder.path + "/junit.xml"
        let path = try folder.write("run/dies.json", #"""
            {"preflight": 1, "name": "the server dies",
             "tests": [
              {"name": "one: sleeps while the server dies", "steps": [{"exec": ["touch", "STARTED"]}, {"sleep": 3000}]},
              {"name": "two: counts", "steps": [{"count": "orders", "expect": 0}]},
              {"name": "three: counts", "steps": [{"count": "orders", "expect": 0}]}
             ]}
            """#)
        let server = try dyingServer()
        try Data((try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "STARTED", with: folder.path + "/bin/started").utf8)
            .write(to: URL(fileURLWithPath: path))
        let result = try PreflightProcess.run(["run", path, "--scratch", server, "--junit", junit], timeout: 240)
        XCTAssertEqual(result.status, 3, result.transcript)
        let stderr = result.standardError
        XCTAssertTrue(stderr.contains("The scratch server stopped during the run"), result.transcript)
        XCTAssertTrue(stderr.contains("dying-secantusd --config"), "the command line is named:\n\(stderr)")
        XCTAssertTrue(stderr.contains("The last lines of its log:"), stderr)
        XCTAssertTrue(stderr.contains("secantus listening on 127.0.0.1:"), "the log tail is shown:\n\(stderr)")
        XCTAssertTrue(stderr.contains("dying-secantusd: killed the server"), "the log tail is shown:\n\(stderr)")

        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.name), ["one: sleeps while the server dies", "two: counts", "three: counts"], result.transcript)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "error", "error"], result.transcript)
        for testCase in cases.dropFirst() {
            XCTAssertEqual(testCase.message, "not run: the scratch server stopped", "\(testCase)")
        }
    }
}
