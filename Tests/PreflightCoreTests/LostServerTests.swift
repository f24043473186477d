import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Issue 11: a server that dies in the middle of a run is an environment failure. Once a
/// lost connection is followed by a failed re-check, the tests and `repeat` iterations
/// left are reported as errors without being run, every report holds what finished, and
/// the run exits 3 within seconds instead of waiting out server selection once per test
/// and ending as if tests had failed. Through the built binary, the server killed with
/// SIGKILL in the middle of a test repeated 50 times.
final class LostServerTests: FolderTestCase {
    /// A test that finishes before the kill, one whose 50 iterations take 15 s or more and
    /// that the server dies in, and one after it.
    static let dying = #"""
        {"preflight": 1, "name": "the server dies", "fixtures": {"orders": [{"_id": 1}]},
         "tests": [
          {"name": "finishes before the kill", "steps": [{"count": "orders", "expect": 1}]},
          {"name": "repeated while the server dies", "repeat": 50, "steps": [
            {"insertOne": "orders", "document": {"_id": 2}},
            {"sleep": 300},
            {"count": "orders", "expect": 2}
          ]},
          {"name": "after the kill", "steps": [{"count": "orders", "expect": 1}]}
         ]}
        """#

    static let later = #"""
        {"preflight": 1, "name": "a later file",
         "tests": [{"name": "in a file after the kill", "steps": [{"count": "orders", "expect": 0}]}]}
        """#

    // MARK: - Preflight's own scratch server

    func testAScratchServerKilledInTheMiddleOfARepeatedTestEndsTheRunWithExitThree() throws {
        try folder.write("run/1-dies.json", Self.dying)
        try folder.write("run/2-later.json", Self.later)
        let reports = Reports(folder)
        let run = try PreflightProcess(["run", folder.path + "/run"] + reports.arguments)
        let (killed, elapsed) = try killServer(of: run) { try Self.scratchServerPID(startedBy: run.processIdentifier) }
        XCTAssertTrue(killed, "no scratch server to kill:\n\(run.transcript)")
        print("LostServerTests: the run ended \(String(format: "%.1f", elapsed)) s after its scratch server was killed")

        XCTAssertEqual(run.status, 3, run.transcript)
        // Sanity only: 49 iterations and two tests each waiting out the scratch server's
        // 3 s server selection would take minutes.
        XCTAssertTrue(run.standardError.contains("The scratch server stopped during the run"), run.transcript)
        try reports.assertStoppedRun(because: "the scratch server stopped", transcript: run.transcript)
    }

    // MARK: - A server given with --uri

    /// Two files at once (`--jobs 2`), both repeating when the server dies; a third that
    /// never starts.
    func testAServerGivenWithURIKilledMidRunEndsTheRunWithExitThreeOnEveryLane() throws {
        let server = try ScratchServer.start(.secantus, searchRoots: [ScratchServerTestCase.packageRoot])
        defer { server.stop() }
        try folder.write("run/1-dies.json", Self.dying)
        try folder.write("run/2-repeats-too.json", #"""
            {"preflight": 1, "name": "another lane",
             "tests": [{"name": "also repeated", "repeat": 50, "steps": [{"sleep": 300}, {"count": "orders", "expect": 0}]}]}
            """#)
        try folder.write("run/3-later.json", Self.later)
        let reports = Reports(folder)
        // A server selection timeout of 2 s instead of libmongoc's 30: what is tested is
        // that every lane stops, which does not depend on how long each waits first.
        let uri = server.uri + "&serverSelectionTimeoutMS=2000"
        let run = try PreflightProcess(["run", folder.path + "/run", "--uri", uri, "--jobs", "2"] + reports.arguments)
        let (killed, elapsed) = try killServer(of: run) { Self.serverPID(of: server) }
        XCTAssertTrue(killed, "no server to kill:\n\(run.transcript)")
        print("LostServerTests: the run on --uri ended \(String(format: "%.1f", elapsed)) s after its server was killed")

        XCTAssertEqual(run.status, 3, run.transcript)
        // No wall-clock bound (figures belong in benchmarks): what proves the run stopped
        // is that the iterations and the file left are reported "not run", below.
        let stderr = run.standardError
        XCTAssertTrue(stderr.contains("The server at \(uri) stopped answering during the run"), run.transcript)
        XCTAssertTrue(stderr.contains("The tests left were not run; the reports list them as errors."), run.transcript)
        try reports.assertStoppedRun(
            because: "the server stopped answering", otherLane: "also repeated", transcript: run.transcript)
    }

    /// A connection the server closes on purpose (a fail point) while it still answers is
    /// the test's error, not a lost server: the run goes on and ends with exit 1.
    func testAConnectionClosedByAServerThatStillAnswersDoesNotStopTheRun() throws {
        let server = try ScratchServer.start(.secantus, searchRoots: [ScratchServerTestCase.packageRoot])
        defer { server.stop() }
        try folder.write("run/closes.json", #"""
            {"preflight": 1, "name": "a closed connection", "requires": {"failPoints": true},
             "fixtures": {"orders": [{"_id": 1}]},
             "tests": [
              {"name": "the server closes the connection", "repeat": 3, "steps": [
                {"failPoint": {"configureFailPoint": "failCommand", "mode": {"times": 2},
                               "data": {"failCommands": ["find"], "closeConnection": true}}},
                {"find": "orders", "expect": [{"_id": 1}]}
              ]},
              {"name": "runs afterwards", "steps": [{"count": "orders", "expect": 1}]}
             ]}
            """#)
        let junit = folder.path + "/junit.xml"
        let run = try PreflightProcess.run(["run", folder.path + "/run", "--uri", server.uri, "--junit", junit], timeout: 120)
        XCTAssertEqual(run.status, 1, run.transcript)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.outcome), ["error", "passed"], run.transcript)
        let message = cases.first?.message ?? ""
        XCTAssertTrue(message.hasPrefix("3 of 3 iterations failed"), "every iteration ran:\n\(message)")
        XCTAssertFalse(message.contains("not run"), message)
        XCTAssertFalse(run.standardError.contains("stopped answering"), run.transcript)
    }

    // MARK: - Helpers

    /// Waits until the run is inside the repeated test, kills the server `pid` names, and
    /// waits for the run to end.
    /// - Returns: whether there was a server to kill, and how long the run went on after it.
    private func killServer(of run: PreflightProcess, pid: () throws -> Int32?) throws -> (Bool, TimeInterval) {
        let deadline = Date().addingTimeInterval(120)
        while !run.standardOutput.contains("✓ finishes before the kill") && run.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Well inside the repeated test, whose 50 iterations take 15 s or more.
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertTrue(run.isRunning, "the run ended before the server could be killed:\n\(run.transcript)")
        guard let server = try pid() else {
            run.waitForExit(timeout: 10)
            return (false, 0)
        }
        kill(server, SIGKILL)
        let killed = Date()
        XCTAssertTrue(run.waitForExit(timeout: 120), "preflight did not stop after its server died:\n\(run.transcript)")
        return (true, Date().timeIntervalSince(killed))
    }

    /// The SecantusDB process under the scratch supervisor `preflight` (pid `parent`) started.
    private static func scratchServerPID(startedBy parent: Int32) throws -> Int32? {
        ProcessTable.pids(mentioning: "secantusd.toml").first { pid in
            let status = ProcessTable.status(of: pid)
            guard status["Name"] != "sh", let supervisor = status["PPid"].flatMap(Int32.init) else { return false }
            return ProcessTable.status(of: supervisor)["PPid"].flatMap(Int32.init) == parent
        }
    }

    /// The SecantusDB process of `server`, not its supervisor shell.
    private static func serverPID(of server: ScratchServer) -> Int32? {
        ProcessTable.pids(mentioning: "--config \(server.directory)/secantusd.toml").first { ProcessTable.status(of: $0)["Name"] != "sh" }
    }
}

/// The three reports of a run, and what they must hold when its server died.
private struct Reports {
    let junit: String
    let json: String
    let summary: String

    init(_ folder: ScenarioFolder) {
        junit = folder.path + "/reports/junit.xml"
        json = folder.path + "/reports/run.json"
        summary = folder.path + "/reports/summary.md"
    }

    var arguments: [String] { ["--junit", junit, "--json", json, "--summary", summary] }

    /// The test that finished before the kill passed; the repeated test errored with the
    /// iterations left not run; every test after it errored, not run, for `reason`.
    /// - Parameter otherLane: a repeated test in a file another job ran at the same time.
    func assertStoppedRun(
        because reason: String, otherLane: String? = nil, transcript: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        JUnitCases.validate(junit, file: file, line: line)
        let cases = try JUnitCases.read(junit)
        let expected = ["finishes before the kill", "repeated while the server dies", "after the kill"] + (otherLane.map { [$0] } ?? [])
            + ["in a file after the kill"]
        XCTAssertEqual(cases.map(\.name), expected, transcript, file: file, line: line)
        XCTAssertEqual(cases.map(\.outcome), ["passed"] + Array(repeating: "error", count: expected.count - 1), transcript, file: file, line: line)
        for repeated in cases where repeated.name == "repeated while the server dies" || repeated.name == otherLane {
            let message = repeated.message ?? ""
            XCTAssertTrue(message.contains(" of 50 not run: \(reason)"), "\(repeated.name): \(message)", file: file, line: line)
            // The first iteration not run: some ran before the kill, and not all of them did.
            let firstNotRun = message.firstMatch(of: /iterations? (\d+)(–50)? of 50 not run/).flatMap { Int($0.1) }
            XCTAssertNotNil(firstNotRun, message, file: file, line: line)
            XCTAssertGreaterThan(firstNotRun ?? 0, 1, message, file: file, line: line)
            XCTAssertLessThanOrEqual(firstNotRun ?? 51, 50, message, file: file, line: line)
        }
        for notRun in cases where notRun.name == "after the kill" || notRun.name == "in a file after the kill" {
            XCTAssertEqual(notRun.message, "not run: \(reason)", "\(notRun.name)", file: file, line: line)
        }

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let tests = (report?["suites"] as? [[String: Any]] ?? []).flatMap { $0["tests"] as? [[String: Any]] ?? [] }
        XCTAssertEqual(tests.compactMap { $0["name"] as? String }, expected, file: file, line: line)
        XCTAssertEqual(tests.first?["outcome"] as? String, "passed", file: file, line: line)
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertTrue(markdown.contains("not run: \(reason)"), markdown, file: file, line: line)
    }
}
