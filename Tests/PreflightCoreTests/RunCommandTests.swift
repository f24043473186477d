import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight run` and `preflight check` as CI runs them: the built binary, its exit code,
/// its console and its JUnit report (the README, “Running” and “Running (reports)”), against the class's scratch server.
final class RunCommandTests: ScratchServerTestCase {
    /// The fixture folders hold transactions and files that require a replica set.
    override class var topology: ScratchTopology { .replicaSet }

    /// The port nobody listens on: a run that reaches the server would fail with exit 3.
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500"
    static let summaryLine = #"^\d+ passed, \d+ failed, \d+ skipped$"#


    var uri: String {
        get throws { try XCTUnwrap(Self.server, "no scratch server").uri }
    }

    // MARK: - run

    func testThePassingFolderExitsZeroAndItsReportValidates() throws {
        let junit = folder.path + "/nested/dir/junit.xml"
        let result = try preflight(["run", ScenarioFixtures.passing, "--uri", try uri, "--junit", junit])
        XCTAssertEqual(result.status, 0, result.transcript)
        XCTAssertEqual(result.lastLine, "34 passed, 0 failed, 3 skipped", result.transcript)
        assertSummaryLast(result)
        XCTAssertTrue(result.standardOutput.contains("↷ a skipped test is reported skipped with its reason — skipped: waiting for ticket EB-42"), result.standardOutput)

        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.count, 37)
        XCTAssertEqual(cases.filter { $0.outcome == "passed" }.count, 34)
        XCTAssertEqual(cases.filter { $0.outcome == "skipped" }.count, 3)
        XCTAssertEqual(cases.filter { $0.outcome == "failure" || $0.outcome == "error" }.map(\.name), [])
        try assertNoSandboxRemains()
    }

    /// A run where everything passes has nothing to say on standard error: a transaction
    /// that fails as its `expectError` asks is not an error worth a warning.
    func testAPassingRunWritesNothingOnStandardError() throws {
        let result = try preflight([
            "run", ScenarioFixtures.path("passing/transactions-failpoints.json"), "--uri", try uri, "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 0, result.transcript)
        XCTAssertEqual(result.standardError, "", result.transcript)
    }

    /// libmongoc makes `/dev/shm/mongoc-PID` as it loads and removes it at a normal exit,
    /// which Preflight's quick exit skips; left behind, a later process given the same pid
    /// warns "Falling back to malloc for counters" on its standard error. A finished run,
    /// a usage error and `--version` each leave nothing there.
    func testARunLeavesNoSharedMemoryFileBehind() throws {
        for arguments in [
            ["run", ScenarioFixtures.path("passing/transactions-failpoints.json"), "--uri", try uri, "--junit", folder.path + "/junit.xml"],
            ["run", "--jobs", "0", ScenarioFixtures.path("passing")], ["--version"],
        ] {
            // Without MONGOC_DISABLE_SHM, which this process set for its own libmongoc and
            // a user's shell does not have.
            let run = try PreflightProcess(arguments, unset: ["MONGOC_DISABLE_SHM"])
            XCTAssertTrue(run.waitForExit(timeout: 60), run.transcript)
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: "/dev/shm/mongoc-\(run.pid)"),
                "preflight \(arguments.joined(separator: " ")) left /dev/shm/mongoc-\(run.pid)")
        }
    }

    func testAFailingFileExitsOneAndEveryTestIsAFailureInTheReport() throws {
        let junit = folder.path + "/junit.xml"
        let result = try preflight(["run", ScenarioFixtures.path("failing/mismatches.json"), "--uri", try uri, "--junit", junit])
        XCTAssertEqual(result.status, 1, result.transcript)
        XCTAssertEqual(result.lastLine, "0 passed, 10 failed, 0 skipped", result.transcript)
        assertSummaryLast(result)
        // The console names the path and both sides.
        XCTAssertTrue(result.standardOutput.contains(#"result[0].billed_month: expected "2026-01", got null"#), result.standardOutput)

        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.count, 10)
        for testCase in cases {
            XCTAssertEqual(testCase.outcome, "failure", testCase.name)
            XCTAssertFalse(testCase.message?.isEmpty ?? true, testCase.name)
        }
        let wrongValue = try XCTUnwrap(cases.first { $0.name == "a wrong value" })
        XCTAssertTrue(wrongValue.message?.contains(#"billed_month: expected "2026-01", got null"#) ?? false, "\(wrongValue)")
        try assertNoSandboxRemains()
    }

    func testTheFailingFolderExitsOneWithAFailureOrAnErrorForEveryTest() throws {
        let junit = folder.path + "/junit.xml"
        let result = try preflight(["run", ScenarioFixtures.failing, "--uri", try uri, "--junit", junit])
        XCTAssertEqual(result.status, 1, result.transcript)
        XCTAssertEqual(result.lastLine, "0 passed, 19 failed, 0 skipped", result.transcript)
        assertSummaryLast(result)
        XCTAssertTrue(result.standardOutput.contains("5 of the failed tests ended on an error the test did not expect rather than a wrong result (such as a command the server refused, a lost connection, or a variable or data that was not there)"), result.standardOutput)

        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.count, 19)
        for testCase in cases {
            let expected = testCase.classname.hasSuffix(".errors") || testCase.classname.hasSuffix(".variables") ? "error" : "failure"
            XCTAssertEqual(testCase.outcome, expected, "\(testCase.classname) / \(testCase.name)")
        }
        try assertNoSandboxRemains()
        try assertFailPointsAreOff()
    }

    /// the README, “Running (redaction)”: values of keys like password and token are redacted in every output,
    /// the one-line failure message included.
    func testSecretsNeverReachTheConsoleOrTheReport() throws {
        let junit = folder.path + "/junit.xml"
        let result = try preflight([
            "run", ScenarioFixtures.path("failing/secrets-are-redacted.json"), "--uri", try uri, "--junit", junit, "--verbose",
        ])
        XCTAssertEqual(result.status, 1, result.transcript)
        XCTAssertEqual(result.lastLine, "0 passed, 2 failed, 0 skipped", result.transcript)
        let report = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(report.contains("result[0].password"), report)
        // The command log is there, in the console with --verbose and in the failure's
        // body, with the secret inside the inserted document replaced.
        XCTAssertTrue(result.standardOutput.contains(".insert {"), result.standardOutput)
        XCTAssertTrue(report.contains("commands and steps:"), report)
        XCTAssertTrue(report.contains(".insert {"), report)
        XCTAssertTrue(report.contains("&lt;redacted&gt;"), report)
        for secret in ["hunter2-pa55word", "s3cr3t-t0ken-value"] {
            XCTAssertFalse(result.standardOutput.contains(secret), "the console shows \(secret):\n\(result.standardOutput)")
            XCTAssertFalse(result.standardError.contains(secret), "stderr shows \(secret)")
            XCTAssertFalse(report.contains(secret), "the JUnit report shows \(secret)")
        }
    }

    func testFailFastStopsTheRunAtTheFirstFailure() throws {
        let result = try preflight([
            "run", ScenarioFixtures.path("failing/mismatches.json"), ScenarioFixtures.passing, "--uri", try uri, "--fail-fast",
            "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 1, result.transcript)
        XCTAssertEqual(result.lastLine, "0 passed, 1 failed, 46 skipped", result.transcript)
        assertSummaryLast(result)
        try assertNoSandboxRemains()
    }

    func testTheFilterAndTagOptionsSelectTests() throws {
        let byName = try preflight([
            "run", ScenarioFixtures.passing, "--uri", try uri, "--filter", "decimal128 EQUALS", "--junit", folder.path + "/a.xml",
        ])
        XCTAssertEqual(byName.status, 0, byName.transcript)
        XCTAssertEqual(byName.lastLine, "1 passed, 0 failed, 0 skipped", byName.transcript)

        let byTag = try preflight([
            "run", ScenarioFixtures.passing, "--uri", try uri, "--tag", "repeat", "--tag", "transactions", "--junit", folder.path + "/b.xml",
        ])
        XCTAssertEqual(byTag.status, 0, byTag.transcript)
        XCTAssertEqual(byTag.lastLine, "8 passed, 0 failed, 0 skipped", byTag.transcript)
        try assertNoSandboxRemains()
    }

    func testAFilterOrTagThatSelectsNothingIsAUsageError() throws {
        for selection in [["--filter", "no test is called this"], ["--tag", "no-such-tag"], ["--filter", "decimal", "--tag", "crud"]] {
            let result = try preflight(["run", ScenarioFixtures.passing, "--uri", try uri, "--junit", folder.path + "/junit.xml"] + selection)
            XCTAssertEqual(result.status, 64, "\(selection): \(result.transcript)")
            XCTAssertTrue(result.standardError.contains("Nothing was run"), result.standardError)
            // The report is always written (the README, “Running (reports)”): here it says why nothing ran.
            JUnitCases.validate(folder.path + "/junit.xml")
            XCTAssertEqual(try JUnitCases.read(folder.path + "/junit.xml").map(\.outcome), ["error"])
        }
    }

    func testAnInvalidFolderExitsTwoAndSendsNothing() throws {
        // The server is unreachable: reaching for it would end in exit 3, not 2.
        let result = try preflight(["run", ScenarioFixtures.invalid, "--uri", Self.unreachable, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(result.status, 2, result.transcript)
        let stderr = result.standardError
        for expected in [
            "invalid/malformed-json.json:5:48: ",
            #"invalid/unknown-key.json:9:57: tests[0].steps[1].expectEror: "#,
            "did you mean `expectError`?",
            #"invalid/unknown-variable.json:7:54: tests[0].steps[0].filter.billed_month.$$var: unknown variable `mnth`; did you mean `month`?"#,
            #"invalid/live-writes.json:9:8: tests[0].steps[1].updateMany: "updateMany" writes"#,
            "invalid/live-writes.json:10:8: tests[0].steps[2].command: ",
            "invalid/wrong-version.json:2:3: preflight: this Preflight reads format version 1, got 2",
            "invalid/failpoint-undeclared.json:5:6: tests[0].steps[0].failPoint: ",
            "invalid/no-tests.json:4:3: tests: a scenario needs at least one test",
            #"invalid/structure.json:7:7: tests[0].steps[0]: a step holds exactly one action, found "find" and "count""#,
            #"invalid/structure.json:9:32: tests[0].steps[2].on: "#,
            #"invalid/structure.json:14:6: tests[1].name: another test in this file is already named "same name""#,
            "nothing was run",
        ] {
            XCTAssertTrue(stderr.contains(expected), "stderr lacks \(expected):\n\(stderr)")
        }
        XCTAssertFalse(stderr.contains("Cannot reach the server"), stderr)
        XCTAssertEqual(result.standardOutput, "")

        // Against the real server it is the same: nothing runs, nothing is created.
        let before = try withClient { try $0.databaseNames() }
        let real = try preflight(["run", ScenarioFixtures.invalid, "--uri", try uri, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(real.status, 2, real.transcript)
        XCTAssertEqual(try withClient { try $0.databaseNames() }, before)

        // One valid file among invalid ones does not run either.
        let mixed = try preflight([
            "run", ScenarioFixtures.path("passing/skip-and-repeat.json"), ScenarioFixtures.path("invalid/wrong-version.json"),
            "--uri", Self.unreachable, "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(mixed.status, 2, mixed.transcript)
    }

    /// What --keep-databases kept is named, with how to drop it, and is on the server.
    func testKeptSandboxesAreNamed() throws {
        let before = Set(try withClient { try $0.databaseNames() })
        let result = try preflight([
            "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", try uri, "--keep-databases", "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 0, result.transcript)
        let kept = Set(try withClient { try $0.databaseNames() }).subtracting(before).filter { $0.hasPrefix("pf_") }.sorted()
        XCTAssertEqual(kept.count, 1, result.transcript)
        XCTAssertTrue(result.standardError.contains("Kept (--keep-databases): \(kept.joined(separator: ", ")). When done, preflight sandboxes --uri '"), result.transcript)
        // The advice works: the prune drops them and their records.
        let prune = try preflight(["sandboxes", "--uri", try uri, "--prune"])
        XCTAssertEqual(prune.status, 0, prune.transcript)
        XCTAssertTrue(Set(try withClient { try $0.databaseNames() }).isDisjoint(with: kept), prune.transcript)
    }

    func testAnUnwritableReportPathExitsThreeBeforeAnyTestRuns() throws {
        let regularFile = folder.path + "/not-a-directory"
        XCTAssertTrue(FileManager.default.createFile(atPath: regularFile, contents: Data("x".utf8)))
        let before = try withClient { try $0.databaseNames() }
        // --keep-databases: had any scenario run, its sandbox would still be there.
        let result = try preflight([
            "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", try uri, "--keep-databases",
            "--junit", regularFile + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 3, result.transcript)
        XCTAssertTrue(result.standardError.contains("Cannot write the JUnit report"), result.standardError)
        XCTAssertFalse(result.standardOutput.contains("✓"), result.standardOutput)
        XCTAssertEqual(try withClient { try $0.databaseNames() }, before)
        XCTAssertEqual(try String(contentsOfFile: regularFile, encoding: .utf8), "x")
    }

    /// `--jobs` and `--shard` values are checked by Preflight, not the argument parser,
    /// so a mistyped CI matrix still replaces the last run's report (exit 64).
    func testABadJobsOrShardValueReplacesTheReport() throws {
        let junit = folder.path + "/junit.xml"
        for arguments in [["--jobs", "0"], ["--jobs", "65"], ["--shard", "0/3"], ["--shard", "3"]] {
            try Data("<stale/>".utf8).write(to: URL(fileURLWithPath: junit))
            let result = try preflight(["run", ScenarioFixtures.passing, "--uri", Self.unreachable, "--junit", junit] + arguments)
            XCTAssertEqual(result.status, 64, result.transcript)
            JUnitCases.validate(junit)
            let cases = try JUnitCases.read(junit)
            XCTAssertEqual(cases.map(\.outcome), ["error"], "\(arguments): \(cases)")
            XCTAssertTrue(cases.first?.message?.contains(arguments[0]) ?? false, "\(arguments): \(cases)")
        }
    }

    /// An empty shard still owes CI a report: one it cannot write is exit 3, not a pass.
    func testAnEmptyShardWhoseReportCannotBeWrittenExitsThree() throws {
        let regularFile = folder.path + "/not-a-directory"
        XCTAssertTrue(FileManager.default.createFile(atPath: regularFile, contents: Data("x".utf8)))
        let result = try preflight([
            "run", ScenarioFixtures.path("passing/crud-operations.json"), "--shard", "2/2", "--uri", try uri,
            "--junit", regularFile + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 3, result.transcript)
        XCTAssertTrue(result.standardError.contains("Cannot write the JUnit report"), result.standardError)
    }

    func testAnUnknownOptionIsAUsageError() throws {
        let result = try preflight(["run", ScenarioFixtures.passing, "--no-such-option"])
        XCTAssertEqual(result.status, 64, result.transcript)
        XCTAssertTrue(result.standardError.contains("--no-such-option"), result.standardError)
    }

    func testAnUnreachableServerExitsThree() throws {
        let result = try preflight([
            "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", Self.unreachable, "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(result.status, 3, result.transcript)
        XCTAssertTrue(result.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), result.standardError)
        XCTAssertFalse(result.standardOutput.contains("✓"), result.standardOutput)
    }

    func testWithoutAURIAScratchServerIsStartedForTheRunAndRemoved() throws {
        let scratchBefore = ScratchTemporaryDirectories.current()
        let junit = folder.path + "/junit.xml"
        // With a live file: on a scratch server it has no real database to read, so it
        // is skipped with the reason rather than passing on an empty database.
        let result = try preflight(["run", ScenarioFixtures.path("passing/billing-atomic-claim.json"), ScenarioFixtures.live, "--junit", junit])
        XCTAssertEqual(result.status, 0, result.transcript)
        XCTAssertEqual(result.lastLine, "1 passed, 0 failed, 2 skipped", result.transcript)
        XCTAssertTrue(result.standardOutput.contains("this run is on a scratch server that holds none; run it with --uri"), result.transcript)
        assertSummaryLast(result)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["passed", "skipped", "skipped"])
        XCTAssertEqual(ScratchTemporaryDirectories.leftovers(since: scratchBefore), [], "the scratch server and its directory were removed")
    }

    func testALiveFileReadsTheDatabaseNamedWithDatabase() throws {
        let live = "live_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(live) } }
        try withClient { try LiveOrders.seed(live, using: $0) }
        let before = try withClient { try $0.databaseNames() }
        let result = try preflight(["run", ScenarioFixtures.live, "--uri", try uri, "--database", live, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(result.status, 0, result.transcript)
        // The file's two tests, and that the collections it reads hold documents.
        XCTAssertEqual(result.lastLine, "3 passed, 0 failed, 0 skipped", result.transcript)
        XCTAssertEqual(try withClient { try $0.databaseNames() }, before)
        XCTAssertEqual(try withClient { try $0.collection("orders", in: live).countDocuments(["billed": true]) }, 1)
    }

    // MARK: - check

    func testCheckValidatesEachFolderOffline() throws {
        for (folder, status) in [
            (ScenarioFixtures.passing, Int32(0)), (ScenarioFixtures.failing, 0), (ScenarioFixtures.live, 0),
            (ScenarioFixtures.path("lib"), 0), (ScenarioFixtures.invalid, 2),
        ] {
            let result = try preflight(["check", folder])
            XCTAssertEqual(result.status, status, "\(folder): \(result.transcript)")
        }
        let passing = try preflight(["check", ScenarioFixtures.passing])
        XCTAssertTrue(passing.standardOutput.contains("8 scenario files valid, 37 tests."), passing.standardOutput)
        XCTAssertTrue(passing.standardOutput.contains("products.json: fixture data, not a scenario"), passing.standardOutput)

        // Every file of invalid/ is invalid on its own.
        for file in ScenarioCatalog.jsonFiles(under: ScenarioFixtures.invalid) {
            let result = try preflight(["check", file])
            XCTAssertEqual(result.status, 2, "\(file): \(result.transcript)")
            XCTAssertTrue(result.standardError.hasSuffix("; Preflight refuses these files until they are fixed.\n"), result.standardError)
        }
    }

    /// Includes and fixture files are relative to the scenario file, however the file was
    /// named: `../lib/billing.json` from inside `passing/` is `scenarios/lib/billing.json`.
    func testRelativePathsWorkFromInsideTheScenarioFolders() throws {
        let insidePassing = try preflight(["check", "billing-atomic-claim.json", "fixtures-and-matching.json"], in: ScenarioFixtures.passing)
        XCTAssertEqual(insidePassing.status, 0, insidePassing.transcript)
        let besidePassing = try preflight(["check", "passing"], in: ScenarioFixtures.root)
        XCTAssertEqual(besidePassing.status, 0, besidePassing.transcript)
        let dotted = try preflight(["check", "./passing/variables-procedures-checks.json"], in: ScenarioFixtures.root)
        XCTAssertEqual(dotted.status, 0, dotted.transcript)
    }

    // MARK: - Helpers

    struct Invocation {
        var status: Int32
        var standardOutput: String
        var standardError: String

        var lines: [String] { standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var lastLine: String { lines.last ?? "" }
        var transcript: String { "exit \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)" }
    }

    /// Runs the built `preflight` with `arguments` in `directory` (the package root by
    /// default); a run that outlives `timeout` fails the test.
    func preflight(_ arguments: [String], in directory: String = ScratchServerTestCase.packageRoot, timeout: TimeInterval = 300) throws -> Invocation {
        let run = try PreflightProcess(arguments, in: directory)
        if !run.waitForExit(timeout: timeout) {
            XCTFail("preflight \(arguments.joined(separator: " ")) hung for \(Int(timeout)) s")
        }
        return Invocation(status: run.status, standardOutput: run.standardOutput, standardError: run.standardError)
    }

    func assertSummaryLast(_ result: Invocation, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotNil(
            result.lastLine.range(of: Self.summaryLine, options: .regularExpression),
            "the last line is not the summary: \(result.lastLine)", file: file, line: line)
    }

    func assertNoSandboxRemains(file: StaticString = #filePath, line: UInt = #line) throws {
        let left = try withClient { try $0.databaseNames() }.filter(SandboxDatabases.isSandbox)
        XCTAssertEqual(left, [], "sandbox databases left behind", file: file, line: line)
    }

    func assertFailPointsAreOff(file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = "failpoint_probe_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(probe) } }
        do {
            try withClient { client in _ = try client.collection("orders", in: probe).insertOne(["_id": 1]) }
        } catch {
            XCTFail("a fail point was left on after the run: \(error)", file: file, line: line)
            try? withClient { _ = try $0.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") }
        }
    }
}
