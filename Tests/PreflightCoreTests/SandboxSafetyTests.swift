import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The sandbox holds on a real server (the README, “Scenario files (sandboxes)” and redaction, README "Where
/// this build reads the design more strictly"): writes that name the scenario's logical
/// database land in the sandbox and nowhere else, fail points reach only the run's own
/// connections even when the URI names the application's app name, a `parallel` step
/// never waits forever for connections, an expected error ends its transaction, and a
/// write error inside a `command` reply is an error.
final class SandboxSafetyTests: ScratchServerTestCase {
    /// The fixture folders hold transactions and files that require a replica set.
    override class var topology: ScratchTopology { .replicaSet }


    // MARK: - Helpers

    /// Loads `text` (written as `name`); fails the test on any validation error.
    private func scenario(_ name: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> ScenarioCatalog {
        let path = try folder.write(name, text)
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [], file: file, line: line)
        XCTAssertEqual(catalog.scenarios.count, 1, file: file, line: line)
        return catalog
    }

    /// Runs every test of `catalog` on `uri` (the class server's by default).
    private func run(_ catalog: ScenarioCatalog, uri: String? = nil) throws -> [SuiteResult] {
        let run = try ScenarioRun(uri: try uri ?? serverURI, options: RunOptions())
        defer { run.close() }
        return run.run(TestSelection().select(catalog.scenarios), observer: nil)
    }

    private func outcome(_ suites: [SuiteResult], _ test: String) -> TestResult.Outcome? {
        suites.flatMap(\.tests).first { $0.name == test }?.outcome
    }

    private func describe(_ outcome: TestResult.Outcome?) -> String {
        switch outcome {
        case .passed?: "passed"
        case .failed(let problem)?: "failed: \(problem.message)\n\(problem.details.prefix(3_000))"
        case .errored(let problem)?: "errored: \(problem.message)\n\(problem.details.prefix(3_000))"
        case .skipped(let reason)?: "skipped: \(reason)"
        case nil: "not reported"
        }
    }

    private func assertPassed(_ suites: [SuiteResult], _ test: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .passed? = outcome(suites, test) else {
            return XCTFail("\(test) should pass, was \(describe(outcome(suites, test)))", file: file, line: line)
        }
    }

    /// The problem of a test that must have failed (`errored: false`) or errored.
    private func problem(
        _ suites: [SuiteResult], _ test: String, errored: Bool, file: StaticString = #filePath, line: UInt = #line
    ) -> TestProblem? {
        switch outcome(suites, test) {
        case .failed(let problem)? where !errored: return problem
        case .errored(let problem)? where errored: return problem
        case let other:
            XCTFail("\(test) should have \(errored ? "errored" : "failed"), was \(describe(other))", file: file, line: line)
            return nil
        }
    }

    private func assertNoSandboxRemains(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try sandboxesOnServer(), [], "sandbox databases left behind", file: file, line: line)
    }

    /// A plain insert succeeds: no `failCommand` is on. Switches it off if one was left.
    private func assertFailPointsAreOff(file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = "failpoint_probe_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(probe) } }
        do {
            try withClient { client in _ = try client.collection("orders", in: probe).insertOne(["_id": 1]) }
        } catch {
            XCTFail("a fail point was left on after the run: \(error)", file: file, line: line)
            try? withClient { _ = try $0.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") }
        }
    }

    // MARK: - $out / $merge stay in the sandbox

    /// `$out` and `$merge` into the scenario's own logical database (here `earlybird`,
    /// which on a live server is the real one) go to the sandbox: the test sees their
    /// collections there, and afterwards neither `earlybird` nor a sandbox exists.
    func testOutAndMergeIntoTheLogicalDatabaseLandInTheSandbox() throws {
        XCTAssertFalse(try withClient { try $0.databaseNames() }.contains("earlybird"), "the class server already has earlybird")
        let catalog = try scenario("out-merge.json", #"""
            {"preflight": 1, "name": "out and merge", "database": "earlybird",
             "fixtures": {"orders": [{"_id": 1, "status": "delivered"}, {"_id": 2, "status": "pending"}]},
             "tests": [{"name": "writes into earlybird stay in the sandbox", "steps": [
               {"aggregate": "orders", "pipeline": [{"$match": {"status": "delivered"}}, {"$out": {"db": "earlybird", "coll": "delivered"}}]},
               {"aggregate": "orders", "pipeline": [{"$match": {"status": "pending"}}, {"$merge": {"into": {"db": "earlybird", "coll": "merged"}}}]},
               {"command": {"aggregate": "orders", "pipeline": [{"$match": {"_id": 2}}, {"$out": {"db": "earlybird", "coll": "by_command"}}], "cursor": {}}},
               {"command": {"aggregate": "orders", "pipeline": [{"$match": {"_id": 1}}, {"$merge": {"into": {"db": "earlybird", "coll": "merged_by_command"}}}], "cursor": {}}},
               {"find": "delivered", "expect": [{"_id": 1, "status": "delivered"}]}
             ],
             "expectCollections": {
               "delivered": [{"_id": 1, "status": "delivered"}],
               "merged": [{"_id": 2, "status": "pending"}],
               "by_command": [{"_id": 2}],
               "merged_by_command": [{"_id": 1}]
             }}]}
            """#)
        let suites = try run(catalog)
        assertPassed(suites, "writes into earlybird stay in the sandbox")
        let databases = try withClient { try $0.databaseNames() }
        XCTAssertFalse(databases.contains("earlybird"), "a $out/$merge wrote into the real earlybird database: \(databases)")
        XCTAssertEqual(databases.filter(SandboxDatabases.isSandbox), [])
    }

    /// The same writes with the database named through a variable: the loader cannot see
    /// the name, so either it refuses the stage or the run keeps it in the sandbox; never
    /// may a database the run did not create appear (the README, “Scenario files (sandboxes)”: "never writes to, drops,
    /// or creates anything in a database it did not create in this run").
    func testOutAndMergeIntoAnotherDatabaseThroughAVariableNeverLeaveTheSandbox() throws {
        let victim = "victim_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(victim) } }
        let path = try folder.write("out-var.json", #"""
            {"preflight": 1, "name": "out through a variable", "database": "earlybird", "vars": {"target": "VICTIM"},
             "fixtures": {"orders": [{"_id": 1}]},
             "tests": [{"name": "t", "steps": [
               {"aggregate": "orders", "pipeline": [{"$out": {"db": {"$$var": "target"}, "coll": "stolen"}}]},
               {"command": {"aggregate": "orders", "pipeline": [{"$merge": {"into": {"db": {"$$var": "target"}, "coll": "merged"}}}], "cursor": {}}}
             ]}]}
            """#.replacingOccurrences(of: "VICTIM", with: victim))
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        if catalog.errors.isEmpty {
            _ = try run(catalog)
        }
        let databases = try withClient { try $0.databaseNames() }
        XCTAssertFalse(
            databases.contains(victim),
            "a $out/$merge whose db came from a variable wrote into \(victim), outside the sandbox: collections \((try? collectionNames(in: victim)) ?? [])")
        try assertNoSandboxRemains()
    }

    /// A `$db` field in a command document names the database on the wire (OP_MSG): it
    /// must not take a command out of the sandbox.
    func testADollarDbFieldNeverTakesACommandOutOfTheSandbox() throws {
        let victim = "victim_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(victim) } }
        let path = try folder.write("dollar-db.json", #"""
            {"preflight": 1, "name": "dollar db", "database": "earlybird",
             "tests": [{"name": "t", "steps": [
               {"command": {"insert": "orders", "documents": [{"_id": 1}], "$db": "VICTIM"}}
             ]}]}
            """#.replacingOccurrences(of: "VICTIM", with: victim))
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        if catalog.errors.isEmpty {
            _ = try run(catalog)
        }
        let databases = try withClient { try $0.databaseNames() }
        XCTAssertFalse(
            databases.contains(victim),
            "a command with \"$db\" wrote into \(victim), outside the sandbox: collections \((try? collectionNames(in: victim)) ?? [])")
        try assertNoSandboxRemains()
    }

    // MARK: - Fail points reach only the run's connections

    /// With the application's own app name in `--uri`, a `failCommand` fail point set by
    /// the scenario must still fail only Preflight's commands: while it is on, another
    /// client named `earlybird-api` inserts successfully, and the scenario's own insert
    /// fails as it expects. Afterwards the fail point is off.
    func testAFailPointNeverFailsTheApplicationWhoseAppNameIsInTheURI() throws {
        let uri = try serverURI + "&appName=earlybird-api"
        let catalog = try scenario("fail-point.json", #"""
            {"preflight": 1, "name": "fail point on a shared server", "database": "earlybird",
             "requires": {"failPoints": true},
             "tests": [{"name": "only the run's inserts fail", "steps": [
               {"failPoint": {"configureFailPoint": "failCommand", "mode": "alwaysOn",
                              "data": {"failCommands": ["insert"], "errorCode": 2}}},
               {"command": {"create": "fail_point_is_on"}},
               {"sleep": 3000},
               {"insertOne": "orders", "document": {"_id": 1}, "expectError": {"code": 2}},
               {"command": {"create": "own_insert_failed"}}
             ]}]}
            """#)
        let results = Guarded<[SuiteResult]?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let runError = Guarded<String?>(nil)
        let thread = Thread {
            defer { finished.signal() }
            do {
                let run = try ScenarioRun(uri: uri, options: RunOptions())
                defer { run.close() }
                results.value = run.run(TestSelection().select(catalog.scenarios), observer: nil)
            } catch {
                runError.value = "\(error)"
            }
        }
        thread.start()
        defer {
            // Whatever happened, the server is left usable for the other tests.
            if finished.wait(timeout: .now() + 120) == .timedOut { XCTFail("the scenario run did not end") }
            try? assertFailPointsAreOff()
        }

        let application = try ConnectionPool(uri: uri, appName: "earlybird-api")
        defer { application.close() }
        let applicationDatabase = "earlybird_app_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(applicationDatabase) } }

        let sandbox = try XCTUnwrap(try waitForSandbox(holding: "fail_point_is_on"), "the scenario never set its fail point: \(runError.value ?? "")")
        do {
            try application.withClient { client in
                _ = try client.collection("orders", in: applicationDatabase).insertOne(["_id": "from-the-application"])
            }
        } catch {
            XCTFail("the scenario's fail point failed another client's insert (appName earlybird-api): \(error)")
        }
        // The insert above came while the fail point was on: the scenario had not yet
        // reached its own (failing) insert.
        XCTAssertFalse(
            try collectionNames(in: sandbox).contains("own_insert_failed"),
            "the application's insert came too late to show anything; the scenario sleeps 3 s for it")

        XCTAssertEqual(finished.wait(timeout: .now() + 120), .success, "the scenario run did not end")
        finished.signal()  // for the deferred wait
        XCTAssertNil(runError.value)
        let suites = try XCTUnwrap(results.value)
        assertPassed(suites, "only the run's inserts fail")
        XCTAssertEqual(
            try application.withClient { try $0.collection("orders", in: applicationDatabase).countDocuments([:]) }, 1)
        try assertFailPointsAreOff()
        try assertNoSandboxRemains()
    }

    // MARK: - parallel never hangs on a small pool

    /// Three branches need three connections at once besides the test's own; a pool of
    /// two cannot give them. The run must say so and end, not wait forever.
    func testParallelOnAPoolTooSmallErrorsInsteadOfHanging() throws {
        let path = try folder.write("parallel.json", #"""
            {"preflight": 1, "name": "parallel on a small pool",
             "tests": [{"name": "three branches", "steps": [
               {"parallel": [[{"find": "orders"}], [{"count": "orders"}], [{"find": "orders"}]]}
             ]}]}
            """#)
        let junit = folder.path + "/junit.xml"
        let result = try PreflightProcess.run(
            ["run", path, "--uri", try serverURI + "&maxPoolSize=2", "--junit", junit], timeout: 60)
        XCTAssertEqual(result.status, 1, result.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.name), ["three branches"])
        XCTAssertEqual(cases.first?.outcome, "error", result.transcript)
        let message = cases.first?.message ?? ""
        XCTAssertTrue(message.contains("tests[0].steps[0]: parallel (3 branches)"), message)
        XCTAssertTrue(message.contains("3 connections are needed at once"), message)
        XCTAssertTrue(message.contains("maxPoolSize"), message)
        try assertNoSandboxRemains()
    }

    // MARK: - An expected error ends its transaction

    static let transactions = #"""
        {"preflight": 1, "name": "transactions and expected errors", "database": "earlybird",
         "fixtures": {"orders": [{"_id": 1}]},
         "tests": [
          {"name": "the last step expects DuplicateKey", "steps": [
             {"transaction": [
               {"insertOne": "orders", "document": {"_id": 2}},
               {"insertOne": "orders", "document": {"_id": 1}, "expectError": {"code": 11000, "codeName": "DuplicateKey"}}
             ]},
             {"count": "orders", "filter": {"_id": 2}, "expect": 0}
           ],
           "expectCollections": {"orders": [{"_id": 1}]}},
          {"name": "a step after the expected error", "steps": [
             {"transaction": [
               {"insertOne": "orders", "document": {"_id": 1}, "expectError": {"codeName": "DuplicateKey"}},
               {"insertOne": "orders", "document": {"_id": 3}}
             ]}
           ]},
          {"name": "an unexpected error inside a transaction", "steps": [
             {"transaction": [
               {"insertOne": "orders", "document": {"_id": 4}},
               {"insertOne": "orders", "document": {"_id": 1}}
             ]}
           ]}
         ]}
        """#

    func testAnExpectedErrorEndsItsTransaction() throws {
        let suites = try run(try scenario("transactions.json", Self.transactions))

        // (i) Aborted at the expected error, the test passes and nothing was committed
        // (the count and expectCollections above see only the fixture).
        assertPassed(suites, "the last step expects DuplicateKey")
        let passing = suites.flatMap(\.tests).first { $0.name == "the last step expects DuplicateKey" }
        let passingOutput = passing?.output ?? ""
        XCTAssertTrue(passingOutput.contains("transaction aborted by the expected error in"), String(passingOutput.suffix(2_000)))
        XCTAssertFalse(passingOutput.contains("transaction retried"), String(passingOutput.suffix(2_000)))

        // (ii) A step after the expected error cannot run: the test fails at once, saying
        // why, and the transaction is not retried until the 120 s limit.
        if let problem = problem(suites, "a step after the expected error", errored: false) {
            XCTAssertEqual(problem.type, "transaction")
            XCTAssertTrue(
                problem.message.contains(
                    "tests[1].steps[0].transaction[1]: insertOne orders: cannot run: the expected error in tests[1].steps[0].transaction[0]: insertOne orders aborted the transaction"),
                problem.message)
            XCTAssertTrue(problem.message.contains("put the step that expects an error last"), problem.message)
            let output = suites.flatMap(\.tests).first { $0.name == "a step after the expected error" }?.output ?? ""
            XCTAssertFalse(output.contains("transaction retried"), String(output.suffix(2_000)))
        }

        // (iii) An unexpected error names the step inside the transaction.
        if let problem = problem(suites, "an unexpected error inside a transaction", errored: true) {
            XCTAssertTrue(problem.message.contains("transaction in tests[2].steps[0].transaction[1]: insertOne orders"), problem.message)
            XCTAssertTrue(problem.message.contains("(code 11000 DuplicateKey)"), problem.message)
        }
        try assertNoSandboxRemains()
    }

    /// Run through the binary, the same file ends (exit 1, two failing tests) instead of
    /// retrying the transaction for two minutes.
    func testAStepAfterAnExpectedErrorEndsTheRunThroughTheBinary() throws {
        let path = try folder.write("transactions.json", Self.transactions)
        let junit = folder.path + "/junit.xml"
        let result = try PreflightProcess.run(["run", path, "--uri", try serverURI, "--junit", junit], timeout: 100)
        XCTAssertEqual(result.status, 1, result.transcript)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "failure", "error"], result.transcript)
        try assertNoSandboxRemains()
    }

    // MARK: - Write errors inside a command's reply

    /// A write command answers `ok: 1` with `writeErrors` (or a `writeConcernError`) when
    /// its write failed: that is a failed operation, like the same `insertOne`.
    func testWriteErrorsInACommandReplyAreErrors() throws {
        let suites = try run(try scenario("command-write-errors.json", #"""
            {"preflight": 1, "name": "command write errors", "database": "earlybird",
             "fixtures": {"orders": [{"_id": 1}]},
             "tests": [
              {"name": "a duplicate nobody expected", "steps": [
                 {"command": {"insert": "orders", "documents": [{"_id": 1}]}}
               ]},
              {"name": "a duplicate that was expected", "steps": [
                 {"command": {"insert": "orders", "documents": [{"_id": 1}]}, "expectError": {"code": 11000, "codeName": "DuplicateKey"}},
                 {"count": "orders", "expect": 1}
               ]},
              {"name": "an unsatisfiable write concern nobody expected", "steps": [
                 {"command": {"insert": "orders", "documents": [{"_id": 5}], "writeConcern": {"w": 5, "wtimeout": 100}}}
               ]},
              {"name": "an unsatisfiable write concern that was expected", "steps": [
                 {"command": {"insert": "orders", "documents": [{"_id": 5}], "writeConcern": {"w": 5, "wtimeout": 100}},
                  "expectError": {"code": 100}}
               ]},
              {"name": "a clean insert through a command still passes", "steps": [
                 {"command": {"insert": "orders", "documents": [{"_id": 6}]}, "expect": {"n": 1}}
               ]}
             ]}
            """#))
        if let problem = problem(suites, "a duplicate nobody expected", errored: true) {
            XCTAssertTrue(problem.message.hasPrefix("tests[0].steps[0]: command insert: E11000 duplicate key error"), problem.message)
            XCTAssertTrue(problem.message.hasSuffix("(code 11000 DuplicateKey)"), problem.message)
        }
        assertPassed(suites, "a duplicate that was expected")
        if let problem = problem(suites, "an unsatisfiable write concern nobody expected", errored: true) {
            XCTAssertTrue(problem.message.hasPrefix("tests[2].steps[0]: command insert: "), problem.message)
            XCTAssertTrue(problem.message.contains("(code 100"), problem.message)
        }
        assertPassed(suites, "an unsatisfiable write concern that was expected")
        assertPassed(suites, "a clean insert through a command still passes")
        try assertNoSandboxRemains()
    }
}
