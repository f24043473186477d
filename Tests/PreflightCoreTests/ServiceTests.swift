import Foundation
import XCTest

@testable import PreflightCore

/// `services` and `http` steps on a real scratch server: started, ready, their log in a
/// failing test, always stopped — at the end of a file, when a file fails, on Ctrl-C and
/// when Preflight is killed with `kill -9` — and requests against the example backend.
final class ServiceTests: ScratchServerTestCase {
    static let backend = packageRoot + "/examples/earlybird-backend"
    static let python = packageRoot + "/.venv/bin/python"

    /// A service that records its pid and its child's, then serves until stopped.
    private func recordingService(pidFile: String, ready: String = #"{"log": "^listening on"}"#) -> String {
        #"""
        {"name": "app", "exec": ["sh", "-c", "sleep 600 & echo $! > \"$1\"; echo $$ >> \"$1\"; echo \"listening on $PREFLIGHT_PORT\"; echo some noise >&2; wait", "sh", "\#(pidFile)"],
         "ready": \#(ready)}
        """#
    }

    func testAServiceIsStartedBeforeTheTestsAndStoppedWithWhatItStartedAfterTheLast() throws {
        let pidFile = folder.path + "/pids"
        let file = try folder.write("service.json", #"""
            {"preflight": 1, "name": "service", "services": [\#(recordingService(pidFile: pidFile))],
             "tests": [
               {"name": "the service is up, on its port", "steps": [
                 {"exec": ["sh", "-c", "kill -0 $(tail -1 \"$1\") && echo $2", "sh", "\#(pidFile)", {"$$var": "preflight.ports.app"}], "save": {"seen": "stdout"}}]},
               {"name": "a failing test carries the service's log", "steps": [{"exec": ["false"]}]}
             ]}
            """#)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
        let failing = try XCTUnwrap(problem(suite.tests[1]))
        XCTAssertTrue(failing.details.contains("service app (port "), failing.details)
        XCTAssertTrue(failing.details.contains("some noise"), failing.details)
        let pids = ProgramProcesses.pids(in: pidFile)
        XCTAssertEqual(pids.count, 2)
        XCTAssertEqual(ProgramProcesses.survivors(pids, within: 10), [], "the service or its child outlived the file")
    }

    func testAServiceThatExitsEarlyErrorsEveryTestWithItsCommandStatusAndLog() throws {
        let file = try folder.write("early.json", #"""
            {"preflight": 1, "name": "early exit",
             "services": [{"name": "api", "exec": ["sh", "-c", "echo starting; echo 'cannot bind: address in use' >&2; exit 4"], "ready": {"tcp": true}}],
             "tests": [{"name": "one", "steps": [{"exec": ["true"]}]}, {"name": "two", "steps": [{"exec": ["true"]}]}]}
            """#)
        let suite = try runFile(file)
        XCTAssertEqual(suite.tests.count, 2)
        for result in suite.tests {
            guard case .errored(let problem) = result.outcome else { return XCTFail("\(result.name): \(result.outcome)") }
            XCTAssertEqual(problem.message, "service api (services[0]) exited with status 4 before it was ready; no test of this file ran")
            XCTAssertTrue(problem.details.contains("command: sh -c 'echo starting; echo '\\''cannot bind: address in use'\\'' >&2; exit 4'"), problem.details)
            XCTAssertTrue(problem.details.contains("cannot bind: address in use"), problem.details)
        }
    }

    func testAServiceThatIsNotReadyInTimeIsStoppedAndErrorsTheFile() throws {
        let pidFile = folder.path + "/pids"
        let file = try folder.write("late.json", #"""
            {"preflight": 1, "name": "late",
             "services": [{"name": "slow", "exec": ["sh", "-c", "echo $$ > \"$1\"; exec sleep 600", "sh", "\#(pidFile)"], "ready": {"tcp": true}, "timeoutMS": 500}],
             "tests": [{"name": "one", "steps": [{"exec": ["true"]}]}]}
            """#)
        let suite = try runFile(file)
        let problem = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertTrue(problem.message.hasPrefix("service slow (services[0]) was not ready within 500 ms (waiting for 127.0.0.1:"), problem.message)
        XCTAssertEqual(ProgramProcesses.survivors(ProgramProcesses.pids(in: pidFile), within: 10), [])
    }

    /// Ctrl-C and `kill -9` of Preflight: the service and its child are gone either way.
    func testCtrlCAndKill9OfPreflightLeaveNoServiceRunning() throws {
        for signal in ["INT", "KILL"] {
            let pidFile = folder.path + "/pids-\(signal)"
            let file = try folder.write("held-\(signal).json", #"""
                {"preflight": 1, "name": "held", "services": [\#(recordingService(pidFile: pidFile))],
                 "tests": [{"name": "waits", "steps": [{"sleep": 60000}]}]}
                """#)
            let run = try PreflightProcess(["run", file, "--uri", try XCTUnwrap(Self.server).uri, "--junit", folder.path + "/junit-\(signal).xml"])
            let pids = ProgramProcesses.waitForPids(in: pidFile, count: 2, timeout: 30)
            XCTAssertEqual(pids.count, 2, run.transcript)
            Thread.sleep(forTimeInterval: 0.3)
            if signal == "INT" { run.interrupt() } else { run.kill9() }
            run.waitForExit(timeout: 30)
            XCTAssertEqual(run.status, signal == "INT" ? 130 : 9, run.transcript)
            XCTAssertEqual(ProgramProcesses.survivors(pids, within: 15), [], "after SIG\(signal) of Preflight: \(run.transcript)")
        }
    }

    /// The example backend as the pack drives it: orders through the route, a refusal, a
    /// header redacted in every output.
    func testHTTPStepsAgainstTheExampleBackend() throws {
        let file = try folder.write("backend.json", #"""
            {"preflight": 1, "name": "backend", "database": "earlybird", "vars": {"sessionToken": "s3ss10n-t0k3n-value"},
             "services": [{"name": "api", "cwd": "\#(Self.backend)", "exec": ["\#(Self.python)", "-m", "earlybird_backend", "serve"],
                           "env": {"PYTHONDONTWRITEBYTECODE": "1"}, "ready": {"http": "http://127.0.0.1:{preflight.ports.api}/health"}}],
             "fixtures": {"orders": []},
             "tests": [
               {"name": "an order through the route", "steps": [
                 {"http": "POST", "url": "http://127.0.0.1:{preflight.ports.api}/api/orders",
                  "json": {"order_id": "o-1", "customer_id": "c-1", "items": [{"product": "Milk", "quantity": 2, "price": "1.25"}], "delivery_address": "1 Road"},
                  "expect": {"status": 201, "headers": {"content-type": "application/json"}, "json": {"order_id": "o-1", "total": "2.50"}}, "save": {"created": "json.order_id"}},
                 {"http": "GET", "url": "http://127.0.0.1:{preflight.ports.api}/api/orders/{created}", "expect": {"json": {"_id": "o-1", "status": "pending"}}},
                 {"find": "orders", "filter": {}, "expect": [{"_id": "o-1", "total": {"$numberDecimal": "2.50"}, "delivery_confirmed": false}]}]},
               {"name": "a refusal is a failure unless expected", "steps": [
                 {"http": "POST", "url": "http://127.0.0.1:{preflight.ports.api}/api/orders", "json": {"customer_id": "c-1"}}]},
               {"name": "a secret header never reaches a report", "steps": [
                 {"http": "GET", "url": "http://127.0.0.1:{preflight.ports.api}/api/orders/none", "headers": {"Authorization": "Bearer xyzzy-2f9c1e7b"}, "expect": {"status": 200}}]}
             ]}
            """#)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
        let refused = try XCTUnwrap(problem(suite.tests[1]))
        XCTAssertTrue(refused.message.hasPrefix("tests[1].steps[0]: http POST http://127.0.0.1:{preflight.ports.api}/api/orders: answered 400: "), refused.message)
        let secret = try XCTUnwrap(problem(suite.tests[2]))
        XCTAssertTrue(secret.message.contains("result.status: expected 200, got 404"), secret.message)
        let everything = secret.message + secret.details + suite.tests[2].output
        XCTAssertFalse(everything.contains("xyzzy-2f9c1e7b"), everything)
    }

    /// A failing test's reports: the service's output in the JUnit body and the JSON
    /// report's details, and the command log once in the JUnit body.
    func testAFailingTestsReportsCarryTheServiceLogAndTheCommandLogOnce() throws {
        let pidFile = folder.path + "/pids"
        let file = try folder.write("reports.json", #"""
            {"preflight": 1, "name": "reports", "services": [\#(recordingService(pidFile: pidFile))],
             "tests": [{"name": "fails", "steps": [{"name": "marker step", "exec": ["sh", "-c", "exit 2"]}]}]}
            """#)
        let junit = folder.path + "/junit.xml", json = folder.path + "/report.json"
        let run = try PreflightProcess.run(["run", file, "--uri", try XCTUnwrap(Self.server).uri, "--junit", junit, "--json", json])
        XCTAssertEqual(run.status, 1, run.transcript)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertEqual(xml.components(separatedBy: "• marker step").count - 1, 1, xml)
        XCTAssertTrue(xml.contains("some noise"), xml)
        let report = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertTrue(report.contains("service app (port "), report)
        XCTAssertTrue(report.contains("some noise"), report)
        XCTAssertEqual(ProgramProcesses.survivors(ProgramProcesses.pids(in: pidFile), within: 10), [])
    }

    func testATestThatFailsAfterItsServiceDiedSaysSo() throws {
        let file = try folder.write("dies.json", #"""
            {"preflight": 1, "name": "dies",
             "services": [{"name": "api", "exec": ["sh", "-c", "echo ready; sleep 0.3; exit 9"], "ready": {"log": "^ready$"}}],
             "tests": [{"name": "after the service is gone", "steps": [
               {"name": "wait for it to exit", "exec": ["sh", "-c", "sleep 1"]},
               {"http": "GET", "url": "http://127.0.0.1:{preflight.ports.api}/x", "timeoutMS": 2000}]}]}
            """#)
        let suite = try runFile(file)
        let problem = try XCTUnwrap(problem(suite.tests[0]))
        XCTAssertTrue(problem.message.hasSuffix("(service api had exited with status 9)"), problem.message)
    }
}
