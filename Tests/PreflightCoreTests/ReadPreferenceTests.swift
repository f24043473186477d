import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `readPreference` in live files, on a one-member replica set reached as a replica set
/// (not a direct connection), where it decides: `secondary` finds no member, anything
/// that allows the primary reads. Step over command line over file over URI.
final class ReadPreferenceTests: ScratchServerTestCase {
    override class var topology: ScratchTopology { .replicaSet }

    /// The class server as a replica set, its set name from `hello`.
    private func replicaSetURI(_ extra: String = "") throws -> String {
        let server = try XCTUnwrap(Self.server)
        let name = try XCTUnwrap(try withClient { try $0.runCommand(["hello": 1], on: "admin") }["setName"]?.stringValue)
        return "mongodb://127.0.0.1:\(server.port)/?replicaSet=\(name)&serverSelectionTimeoutMS=1000" + extra
    }

    private func runLive(_ body: String, fileDefault: String = "", uriExtra: String = "", options: RunOptions = RunOptions()) throws -> SuiteResult {
        try withClient { client in
            let orders = client.collection("orders", in: database)
            _ = try orders.deleteMany(filter: [:])
            _ = try orders.insertMany([["_id": 1], ["_id": 2]])
        }
        let file = try folder.write("live.json", #"{"preflight": 1, "name": "live", "mode": "live", "database": "\#(database)", "allowEmpty": "test data", "# + fileDefault + #""tests": ["# + body + "]}")
        let catalog = ScenarioCatalog.load([file], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        let run = try ScenarioRun(uri: try replicaSetURI(uriExtra), options: options, serverSelectionTimeoutMS: 1000)
        defer { run.close() }
        return try XCTUnwrap(run.run(TestSelection().select(catalog.scenarios), observer: nil).first)
    }

    private func assertNoSecondary(_ result: TestResult, file: StaticString = #filePath, line: UInt = #line) {
        guard case .errored(let problem) = result.outcome else {
            return XCTFail("\(result.name) should have found no secondary: \(result.outcome)", file: file, line: line)
        }
        XCTAssertTrue(problem.message.contains("No suitable servers"), problem.message, file: file, line: line)
    }

    func testAStepsReadPreferenceChoosesTheMember() throws {
        let suite = try runLive(#"""
            {"name": "secondary", "steps": [{"find": "orders", "filter": {}, "readPreference": "secondary"}]},
            {"name": "secondaryPreferred", "steps": [{"count": "orders", "filter": {}, "readPreference": {"mode": "secondaryPreferred", "maxStalenessSeconds": 90}, "expect": 2}]},
            {"name": "default", "steps": [{"aggregate": "orders", "pipeline": [{"$count": "n"}], "expect": [{"n": 2}]}]},
            {"name": "distinct on a secondary", "steps": [{"distinct": "orders", "key": "_id", "readPreference": "secondary"}]},
            {"name": "a read-only command on a secondary", "steps": [{"command": {"count": "orders"}, "readPreference": "secondary"}]}
            """#)
        assertNoSecondary(suite.tests[0])
        assertPassed(suite.tests[1])
        assertPassed(suite.tests[2])
        assertNoSecondary(suite.tests[3])
        assertNoSecondary(suite.tests[4])
    }

    func testTheCommandLineReplacesTheFilesDefaultAndAStepReplacesBoth() throws {
        let fileOnly = try runLive(#"""
            {"name": "file default", "steps": [{"find": "orders", "filter": {}}]},
            {"name": "step primary", "steps": [{"find": "orders", "filter": {}, "readPreference": "primary", "expect": [{"_id": 1}, {"_id": 2}]}]}
            """#, fileDefault: #""readPreference": "secondary", "#)
        assertNoSecondary(fileOnly.tests[0])
        assertPassed(fileOnly.tests[1])

        var options = RunOptions()
        options.readPreference = ReadPreference(mode: .secondary)
        let commandLine = try runLive(#"""
            {"name": "command line over the file", "steps": [{"find": "orders", "filter": {}}]}
            """#, fileDefault: #""readPreference": "primary", "#, options: options)
        assertNoSecondary(commandLine.tests[0])
    }

    func testTheConnectionStringsReadPreferenceApplies() throws {
        let suite = try runLive(#"""
            {"name": "from the URI", "steps": [{"find": "orders", "filter": {}}]},
            {"name": "a step overrides it", "steps": [{"find": "orders", "filter": {}, "readPreference": "primaryPreferred", "expect": [{"_id": 1}, {"_id": 2}]}]}
            """#, uriExtra: "&readPreference=secondary")
        assertNoSecondary(suite.tests[0])
        assertPassed(suite.tests[1])
    }

    func testMisplacedReadPreferencesAreValidationErrors() throws {
        let sandbox = try folder.write("sandbox.json", #"""
            {"preflight": 1, "name": "sandbox", "readPreference": "secondary",
             "tests": [{"name": "t", "steps": [{"find": "orders", "filter": {}, "readPreference": "nearest"}]}]}
            """#)
        let live = try folder.write("live.json", #"""
            {"preflight": 1, "name": "live", "mode": "live", "database": "shop",
             "tests": [{"name": "t", "steps": [
               {"find": "orders", "filter": {}, "readPreference": "secondry"},
               {"find": "orders", "filter": {}, "readPreference": {"mode": "primary", "tagSets": [{"dc": "east"}]}},
               {"find": "orders", "filter": {}, "readPreference": {"mode": "nearest", "maxStalenessSeconds": 30}},
               {"command": {"insert": "orders", "documents": [{}]}, "readPreference": "secondary"}]}]}
            """#)
        let messages = ScenarioCatalog.load([sandbox, live], loader: ScenarioLoader()).errors.map(\.description).joined(separator: "\n")
        for fragment in [
            "sandbox.json:1:37: readPreference: a sandbox is written and read by the same test",
            "sandbox.json:2:69: tests[0].steps[0].readPreference: a sandbox is written and read by the same test",
            "tests[0].steps[0].readPreference: unknown read preference mode `secondry`; did you mean `secondary`?",
            "tests[0].steps[1].readPreference: the primary mode takes no tag sets or maxStalenessSeconds",
            "tests[0].steps[2].readPreference.maxStalenessSeconds: MongoDB takes at least 90 seconds",
        ] {
            XCTAssertTrue(messages.contains(fragment), "missing: \(fragment)\n\(messages)")
        }
        // The insert command is refused in a live file before its read preference is looked at.
        XCTAssertTrue(messages.contains("tests[0].steps[3].command: the command \"insert\" may write"), messages)
    }

    func testABadReadPreferenceOnTheCommandLineIsAUsageError() throws {
        let run = try PreflightProcess.run(["run", ScenarioFixtures.live, "--uri", RunCommandTests.unreachable, "--read-preference", "secondry", "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(run.status, 64, run.transcript)
        XCTAssertTrue(run.standardError.contains("--read-preference secondry: unknown read preference mode `secondry`; did you mean `secondary`?"), run.transcript)
    }

    /// On sandbox files alone it changes nothing, and says so.
    func testAReadPreferenceForSandboxFilesOnlyIsSaidToApplyToNothing() throws {
        let run = try PreflightProcess.run([
            "run", "scenarios/earlybird/phase-0.7/order-creation.json", "--read-preference", "secondary",
            "--uri", try XCTUnwrap(Self.server).uri, "--junit", folder.path + "/j.xml",
        ])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardError.contains("--read-preference applies to live files, and none is selected"), run.transcript)
    }
}
