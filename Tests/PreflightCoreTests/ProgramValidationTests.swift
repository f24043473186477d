import Foundation
import XCTest

@testable import PreflightCore

/// What is refused before anything runs: programs and requests in live files and
/// migrations, a missing program or directory, a URL Preflight cannot send; and what
/// `preflight check` says a file would run.
final class ProgramValidationTests: FolderTestCase {
    private func check(_ name: String, _ text: String) throws -> PreflightProcess {
        let file = try folder.write(name, text)
        return try PreflightProcess.run(["check", file])
    }

    func testLiveFilesRefuseExecHTTPAndServices() throws {
        let run = try check("live.json", #"""
            {"preflight": 1, "name": "live", "mode": "live", "database": "shop",
             "services": [{"name": "api", "exec": ["true"], "ready": {"tcp": true}}],
             "tests": [{"name": "t", "steps": [
               {"exec": ["true"]},
               {"http": "GET", "url": "http://127.0.0.1:8080/health"}]}]}
            """#)
        XCTAssertEqual(run.status, 2, run.transcript)
        let errors = run.standardError
        XCTAssertTrue(errors.contains("live.json:2:"), errors)
        XCTAssertTrue(errors.contains("services: `services` runs a program or sends a request, which could write anywhere: a live file may only read"), errors)
        XCTAssertTrue(errors.contains("tests[0].steps[0].exec: `exec` runs a program"), errors)
        XCTAssertTrue(errors.contains("tests[0].steps[1].http: `http` runs a program"), errors)
    }

    func testAMigrationRefusesExecAndHTTP() throws {
        let run = try check("0001-up.json", #"""
            {"preflight": 1, "migration": "0001", "database": "shop",
             "up": [{"exec": ["true"]}], "down": [{"http": "POST", "url": "http://127.0.0.1:1/x"}]}
            """#)
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("up[0].exec: a migration's steps are MongoDB operations"), run.standardError)
        XCTAssertTrue(run.standardError.contains("down[0].http: a migration's steps are MongoDB operations"), run.standardError)
    }

    func testAMissingProgramDirectoryOrAMalformedURLIsAValidationErrorAtItsLine() throws {
        let run = try check("bad.json", """
            {"preflight": 1, "name": "bad",
             "tests": [{"name": "t", "steps": [
               {"exec": ["no-such-program-preflight"]},
               {"exec": ["./missing.sh"]},
               {"exec": ["true"], "cwd": "no/such/dir"},
               {"http": "GET", "url": "htp://127.0.0.1/x"},
               {"http": "GET", "url": "https://example.com/"},
               {"http": "GET", "url": "http://127.0.0.1:{port}/x"},
               {"exec": [{"$$var": "program"}]},
               {"exec": ["true"], "env": {"PREFLIGHT_URI": "x"}}
             ]}]}
            """)
        XCTAssertEqual(run.status, 2, run.transcript)
        let lines = run.standardError.split(separator: "\n").map(String.init)
        func line(_ fragment: String) -> String? { lines.first { $0.contains(fragment) } }
        XCTAssertTrue(line("steps[0].exec[0]: no program \"no-such-program-preflight\" on PATH")?.contains("bad.json:3:14:") == true, run.standardError)
        XCTAssertTrue(line("steps[1].exec[0]: no program at \"./missing.sh\"")?.contains("bad.json:4:14:") == true, run.standardError)
        XCTAssertTrue(line("steps[2].cwd: the directory \"no/such/dir\" does not exist")?.contains("bad.json:5:23:") == true, run.standardError)
        XCTAssertNotNil(line("steps[3].url: expected a URL such as"), run.standardError)
        XCTAssertNotNil(line("steps[4].url: Preflight sends plain http://"), run.standardError)
        XCTAssertNotNil(line("steps[5].url: unknown variable `port` in the URL"), run.standardError)
        XCTAssertNotNil(line("steps[6].exec[0]: the program must be written out as a string"), run.standardError)
        XCTAssertNotNil(line("steps[7].env.PREFLIGHT_URI: PREFLIGHT_URI is set by Preflight itself"), run.standardError)
    }

    func testCheckListsWhatAFileWouldRun() throws {
        let run = try check("app.json", #"""
            {"preflight": 1, "name": "app", "vars": {"month": "2026-01"},
             "services": [{"name": "api", "exec": ["sh", "-c", "exec sleep 1"], "ready": {"log": "ready"}}],
             "tests": [{"name": "t", "steps": [
               {"exec": ["sh", "-c", "echo $1", "sh", {"$$var": "month"}]},
               {"http": "POST", "url": "http://127.0.0.1:{preflight.ports.api}/bill", "json": {"month": {"$$var": "month"}}}]}]}
            """#)
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("    runs service api: sh -c 'exec sleep 1' (in "), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("    runs exec: sh -c 'echo $1' sh {month} (in "), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("    runs http: POST http://127.0.0.1:{preflight.ports.api}/bill"), run.standardOutput)
    }

    func testReferencesIntoPreflightNameItsMembersAndTheFilesServices() throws {
        let run = try check("ports.json", """
            {"preflight": 1, "name": "ports",
             "services": [{"name": "inv", "exec": ["true"], "ready": {"tcp": true}}],
             "tests": [{"name": "t", "steps": [
               {"http": "GET", "url": "http://127.0.0.1:{preflight.ports.invv}/x"},
               {"exec": ["echo", {"$$var": "preflight.prots.inv"}], "save": {"out": "stdoutt"}},
               {"exec": ["echo", {"$$var": "preflight.ports.inv"}, {"$$var": "preflight.uri"}], "save": {"p": "stdout"}}
             ]}]}
            """)
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("ports.json:4:20: tests[0].steps[0].url: unknown service `invv` in `preflight.ports.invv`; did you mean `inv`?"), run.standardError)
        XCTAssertTrue(run.standardError.contains("tests[0].steps[1].exec[1].$$var: unknown member `prots` of `preflight`; did you mean `ports`?"), run.standardError)
        XCTAssertTrue(run.standardError.contains("tests[0].steps[1].save.out: unknown result key `stdoutt`"), run.standardError)
        XCTAssertTrue(run.standardError.contains("3 problems in 1 file"), run.standardError)
    }
}
