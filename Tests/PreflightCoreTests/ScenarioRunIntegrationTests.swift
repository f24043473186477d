import Foundation
import Mongo
import XCTest

@testable import PreflightCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The scenario engine end to end, as a library: the fixture folders are loaded with
/// `ScenarioCatalog`, run with `ScenarioRun` against a real scratch server, and every
/// test's outcome, message, sandbox and report is held to the README, “Scenario files (sandboxes)” and “Scenario files (matching)” and “Running (reports)”.
final class ScenarioRunIntegrationTests: ScratchServerTestCase {
    /// Transactions run on a replica set only.
    override class var topology: ScratchTopology { .replicaSet }

    // MARK: - Passing scenarios

    /// Every test in `passing/` passes, except the three that are skipped for a stated reason.
    func testEveryPassingScenarioPassesOrIsSkippedForItsReason() throws {
        let catalog = try Self.catalog([ScenarioFixtures.passing])
        let observer = RecordingObserver()
        let (runID, suites) = try run(catalog, observer: observer)

        let expectedSkips: [String: String] = [
            "skip-and-repeat.json / a skipped test is reported skipped with its reason": "waiting for ticket EB-42",
            "requires-unmet.json / needs version 99: skipped": "needs server version 99.0 or later",
            "requires-unmet.json / also skipped": "needs server version 99.0 or later",
        ]
        XCTAssertEqual(suites.count, catalog.scenarios.count)
        var seen: Set<String> = []
        for suite in suites {
            let scenario = try XCTUnwrap(catalog.scenarios.first { $0.file == suite.file })
            XCTAssertEqual(suite.tests.map(\.name), scenario.tests.map(\.name), "every test of \(suite.file) is reported, in order")
            for test in suite.tests {
                let key = Self.key(suite, test)
                seen.insert(key)
                if let reason = expectedSkips[key] {
                    guard case .skipped(let actual) = test.outcome else {
                        XCTFail("\(key) should be skipped (\(reason)), was \(Self.describe(test.outcome))")
                        continue
                    }
                    XCTAssertTrue(actual.contains(reason), "\(key): \(actual)")
                } else if case .passed = test.outcome {
                    continue
                } else {
                    XCTFail("\(key) should pass, was \(Self.describe(test.outcome))\n\(test.output)")
                }
            }
        }
        XCTAssertTrue(Set(expectedSkips.keys).isSubset(of: seen), "missing: \(Set(expectedSkips.keys).subtracting(seen))")
        // Nothing of the pack may quietly vanish: 34 tests pass, 3 are skipped.
        XCTAssertEqual(suites.reduce(0) { $0 + $1.passed }, 34)
        XCTAssertEqual(suites.reduce(0) { $0 + $1.skipped }, 3)
        XCTAssertEqual(suites.reduce(0) { $0 + $1.failures + $1.errors }, 0)

        // The fail points really fired: each transaction ran twice and committed once.
        let transactions = try XCTUnwrap(suites.first { $0.file.hasSuffix("transactions-failpoints.json") })
        for name in [
            "a transient error on insert is retried and the transaction commits once",
            "a transient error on commitTransaction is retried and the transaction commits",
        ] {
            let output = transactions.tests.first { $0.name == name }?.output ?? ""
            XCTAssertTrue(output.contains("transaction retried (attempt 2)"), "\(name):\n\(output)")
            XCTAssertFalse(output.contains("attempt 3"), "\(name):\n\(output)")
        }

        XCTAssertEqual(observer.started, catalog.scenarios.map(\.name))
        XCTAssertEqual(observer.finished.count, suites.reduce(0) { $0 + $1.tests.count })
        XCTAssertEqual(observer.suitesFinished, suites.map(\.name))

        for suite in suites where suite.tests.contains(where: { if case .passed = $0.outcome { true } else { false } }) {
            XCTAssertTrue(suite.systemOut.contains("sandbox database: pf_\(runID)_"), suite.systemOut)
            XCTAssertEqual(suite.systemErr, "", "\(suite.file): the sandbox was dropped without problems")
            let properties = Dictionary(suite.properties.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            XCTAssertEqual(properties["server.topology"], "replicaset")
            XCTAssertEqual(properties["mode"], "sandbox")
        }
        try assertNoSandboxRemains()
        try assertValidJUnit(suites)
    }

    // MARK: - Failing scenarios

    /// What each test in `failing/` must produce, and fragments its one-line message must hold.
    static let failingExpectations: [String: (errored: Bool, type: String?, fragments: [String])] = [
        "billing-find-then-update.json / two concurrent billing runs": (
            false, "mismatch", ["of 5 iterations failed", "billing.noDoubleBilling", "expected 0 elements []"]
        ),
        "mismatches.json / a wrong value": (
            false, "mismatch", [#"tests[0].steps[1]: find orders: result[0].billed_month: expected "2026-01", got null"#]
        ),
        "mismatches.json / an expected error that never comes": (
            false, "expectedError", ["tests[1].steps[0]: insertOne orders: expected an error, but the operation succeeded"]
        ),
        "mismatches.json / the wrong error": (false, "expectedError", ["expected error code 121, got 11000"]),
        "mismatches.json / a double never equals a Decimal128": (
            false, "mismatch", [#"result[0].total: expected 100.5, got {"$numberDecimal":"100.50"}"#, "never a double"]
        ),
        "mismatches.json / a nested document may not grow keys": (
            false, "mismatch", [#"result[0].address: unexpected field "zip" with value "0150""#]
        ),
        "mismatches.json / expectCollections counts the documents": (
            false, "mismatch", ["expectCollections: orders: expected 1 document, found 2"]
        ),
        "mismatches.json / a named check that does not hold": (false, "mismatch", ["nothingPending", "expected 0, got 1"]),
        "mismatches.json / every iteration of a repeated test fails": (
            false, "mismatch", ["3 of 3 iterations failed; the first (iteration 1)", "expected 3, got 2"]
        ),
        "mismatches.json / a transaction expected to fail commits": (
            false, "expectedError", ["transaction: expected the transaction to fail, but it committed"]
        ),
        "mismatches.json / a variable that does not match": (
            false, "mismatch", [#"expectVar status: status: expected "delivered", got "pending""#]
        ),
        "errors.json / a command the server refuses": (true, "serverError", ["command find", "BadValue"]),
        "errors.json / a duplicate key nobody expected": (true, "serverError", ["insertOne customers", "DuplicateKey"]),
        "errors.json / a transaction that fails unexpectedly": (true, "serverError", ["transaction", "DuplicateKey"]),
        "variables.json / a saved document read at a field it lacks": (
            true, "variable", [#"tests[0].steps[1]: find customers: the variable "customer" has no "0.city": its value is [{"_id":1,"name":"Ada"}]"#]
        ),
        "variables.json / a procedure reads a field its argument lacks": (
            true, "variable", [#"tests[1].steps[0]: run findByCity: procedures.findByCity.steps[0]: find customers: the variable "customer" has no "city""#]
        ),
        "secrets-are-redacted.json / a mismatch on a password field": (false, "mismatch", ["result[0].password: expected "]),
        "secrets-are-redacted.json / a mismatch on a token field": (false, "mismatch", ["result[0].token: expected "]),
        "failpoint-failing-test.json / fails with failCommand still on for every insert": (
            false, "mismatch", ["tests[0].steps[2]: count orders: result: expected 1, got 0"]
        ),
    ]

    func testEveryFailingScenarioFailsOrErrorsForItsStatedReason() throws {
        let catalog = try Self.catalog([ScenarioFixtures.failing])
        let (_, suites) = try run(catalog)
        var seen: Set<String> = []
        for suite in suites {
            for test in suite.tests {
                let key = Self.key(suite, test)
                seen.insert(key)
                let scenarioTest = catalog.scenarios.first { $0.file == suite.file }?.tests.first { $0.name == test.name }
                let description = scenarioTest?.description ?? ""
                XCTAssertTrue(
                    description.hasPrefix("FAILS") || description.hasPrefix("ERRORS") || suite.file.hasSuffix("billing-find-then-update.json"),
                    "\(key): every failing test states why in its description")
                guard let expected = Self.failingExpectations[key] else {
                    XCTFail("\(key) has no expectation in this test; it was \(Self.describe(test.outcome))")
                    continue
                }
                let problem: TestProblem
                switch (test.outcome, expected.errored) {
                case (.failed(let found), false), (.errored(let found), true):
                    problem = found
                default:
                    XCTFail("\(key) should have \(expected.errored ? "errored" : "failed"), was \(Self.describe(test.outcome))")
                    continue
                }
                for fragment in expected.fragments {
                    XCTAssertTrue(problem.message.contains(fragment), "\(key): \"\(fragment)\" is not in: \(problem.message)")
                }
                if let type = expected.type { XCTAssertEqual(problem.type, type, key) }
                XCTAssertFalse(problem.message.contains("\n"), "\(key): the message is one line")
                XCTAssertTrue(problem.details.contains("commands and steps:"), "\(key): the failure carries the test's log")
                if description.hasPrefix("ERRORS") { XCTAssertTrue(expected.errored, key) }
                if description.hasPrefix("FAILS") { XCTAssertFalse(expected.errored, key) }
            }
        }
        XCTAssertEqual(seen, Set(Self.failingExpectations.keys))
        XCTAssertEqual(suites.reduce(0) { $0 + $1.passed + $1.skipped }, 0)

        // A mismatch shows both sides in the body too.
        let wrongValue = try XCTUnwrap(Self.problem(suites, "mismatches.json / a wrong value"))
        XCTAssertTrue(wrongValue.details.contains("at:       result[0].billed_month"), wrongValue.details)
        XCTAssertTrue(wrongValue.details.contains(#"expected: [{"_id":"o-1","billed":true,"billed_month":"2026-01"}]"#), wrongValue.details)
        XCTAssertTrue(wrongValue.details.contains(#""billed_month":null"#), wrongValue.details)
        // The commands sent are in the log, from command monitoring.
        XCTAssertTrue(wrongValue.details.contains("→ "), wrongValue.details)

        try assertNoSandboxRemains()
        try assertFailPointsAreOff()
        let path = try assertValidJUnit(suites)
        let cases = try JUnitCases.read(path)
        XCTAssertEqual(cases.count, Self.failingExpectations.count)
        for testCase in cases {
            let key = (testCase.classname.split(separator: ".").last.map(String.init) ?? "") + ".json / " + testCase.name
            let expected = try XCTUnwrap(Self.failingExpectations[key], key)
            XCTAssertEqual(testCase.outcome, expected.errored ? "error" : "failure", key)
        }
    }

    // MARK: - Fail-fast

    func testFailFastStopsAtTheFirstFailureAndSkipsTheRest() throws {
        // mismatches.json first: its first test fails every time.
        let catalog = try Self.catalog([ScenarioFixtures.path("failing/mismatches.json"), ScenarioFixtures.path("failing/errors.json"), ScenarioFixtures.passing])
        var options = RunOptions()
        options.failFast = true
        let (_, suites) = try run(catalog, options: options)
        let tests = suites.flatMap { suite in suite.tests.map { (suite, $0) } }
        XCTAssertEqual(tests.count, catalog.scenarios.reduce(0) { $0 + $1.tests.count })
        let first = try XCTUnwrap(tests.first)
        guard case .failed = first.1.outcome else {
            return XCTFail("the first test should fail, was \(Self.describe(first.1.outcome))")
        }
        for (suite, test) in tests.dropFirst() {
            guard case .skipped(let reason) = test.outcome else {
                XCTFail("\(Self.key(suite, test)) should be skipped after the first failure, was \(Self.describe(test.outcome))")
                continue
            }
            XCTAssertTrue(reason.contains("--fail-fast"), reason)
        }
        try assertNoSandboxRemains()
        let cases = try JUnitCases.read(try assertValidJUnit(suites))
        XCTAssertEqual(cases.map(\.outcome), ["failure"] + Array(repeating: "skipped", count: tests.count - 1))
    }

    // MARK: - Sandboxes

    func testSandboxesAreDroppedAfterTheRunUnlessKept() throws {
        let catalog = try Self.catalog([ScenarioFixtures.path("passing/crud-operations.json"), ScenarioFixtures.path("passing/skip-and-repeat.json")])
        var options = RunOptions()
        options.keepDatabases = true
        let (runID, suites) = try run(catalog, options: options)
        defer { try? withClient { client in for n in 1...2 { try client.dropDatabase("pf_\(runID)_\(n)") } } }
        XCTAssertEqual(suites.reduce(0) { $0 + $1.failures + $1.errors }, 0)

        let kept = try withClient { try $0.databaseNames() }.filter { $0.hasPrefix("pf_\(runID)_") }.sorted()
        XCTAssertEqual(kept, ["pf_\(runID)_1", "pf_\(runID)_2"])
        // The last test of crud-operations.json left its bulkWrite's documents behind.
        let orders = try withClient { try $0.collection("orders", in: "pf_\(runID)_1").find([:], options: ["sort": ["_id": 1]]) }
        XCTAssertEqual(orders.map { $0["_id"]?.stringValue }, ["o-1", "o-20", "o-21", "o-22", "o-3"])
        XCTAssertTrue(suites[0].systemOut.contains("kept (--keep-databases)"), suites[0].systemOut)

        // And without --keep-databases the same run leaves nothing.
        let (again, _) = try run(catalog)
        XCTAssertFalse(try withClient { try $0.databaseNames() }.contains { $0.hasPrefix("pf_\(again)_") })
        try assertNoSandboxRemains(except: kept)
    }

    /// A sandbox name that already exists belongs to someone else: the scenario is not run,
    /// its tests are errored, and the database is not touched, not even dropped.
    func testAnExistingSandboxNameIsRefusedAndTheDatabaseLeftUntouched() throws {
        let catalog = try Self.catalog([ScenarioFixtures.path("passing/crud-operations.json"), ScenarioFixtures.path("passing/skip-and-repeat.json")])
        let run = try ScenarioRun(uri: try XCTUnwrap(Self.server).uri, options: RunOptions())
        defer { run.close() }
        let taken = "pf_\(run.runID)_1"
        defer { try? withClient { try $0.dropDatabase(taken) } }
        try withClient { client in
            _ = try client.collection("orders", in: taken).insertOne(["_id": "someone else's", "total": 1])
        }

        let suites = run.run(TestSelection().select(catalog.scenarios), observer: nil)
        XCTAssertEqual(suites.count, 2)
        let refused = suites[0]
        XCTAssertEqual(refused.tests.count, 10)
        for test in refused.tests {
            guard case .errored(let problem) = test.outcome else {
                XCTFail("\(test.name) should be errored, was \(Self.describe(test.outcome))")
                continue
            }
            XCTAssertTrue(problem.message.contains("\"\(taken)\" already exists"), problem.message)
        }
        // The next scenario gets the next name and runs normally.
        XCTAssertEqual(suites[1].passed, 2)
        XCTAssertEqual(suites[1].skipped, 1)

        let left = try withClient { client -> (collections: [String], documents: [BSONDocument]) in
            let reply = try client.runCommand(["listCollections": 1, "nameOnly": true], on: taken)
            let names = (reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []).compactMap { $0.documentValue?["name"]?.stringValue }
            return (names, try client.collection("orders", in: taken).find())
        }
        XCTAssertEqual(left.collections, ["orders"])
        XCTAssertEqual(left.documents, [["_id": "someone else's", "total": 1]])
        try assertNoSandboxRemains(except: [taken])
        let cases = try JUnitCases.read(try assertValidJUnit(suites))
        XCTAssertEqual(cases.filter { $0.outcome == "error" }.count, 10)
    }

    /// A refused sandbox errors its scenario's tests; under --fail-fast that stops the run
    /// like any other errored test.
    func testARefusedSandboxStopsAFailFastRun() throws {
        let catalog = try Self.catalog([ScenarioFixtures.path("passing/crud-operations.json"), ScenarioFixtures.path("passing/skip-and-repeat.json")])
        var options = RunOptions()
        options.failFast = true
        let run = try ScenarioRun(uri: try XCTUnwrap(Self.server).uri, options: options)
        defer { run.close() }
        let taken = "pf_\(run.runID)_1"
        defer { try? withClient { try $0.dropDatabase(taken) } }
        try withClient { client in _ = try client.collection("orders", in: taken).insertOne(["_id": 1]) }

        let suites = run.run(TestSelection().select(catalog.scenarios), observer: nil)
        XCTAssertEqual(suites.first?.errors, 10)
        for test in suites.dropFirst().flatMap(\.tests) {
            guard case .skipped(let reason) = test.outcome, reason.contains("--fail-fast") else {
                XCTFail("\(test.name) ran after the errored scenario under --fail-fast: \(Self.describe(test.outcome))")
                continue
            }
        }
        try assertNoSandboxRemains(except: [taken])
    }

    // MARK: - Fail points

    func testFailPointsAreSwitchedOffAfterATestThatFailsWithOneOn() throws {
        let catalog = try Self.catalog([ScenarioFixtures.path("failing/failpoint-failing-test.json")])
        let (_, suites) = try run(catalog)
        XCTAssertEqual(suites.first?.failures, 1)
        try assertFailPointsAreOff()
    }

    // MARK: - Live mode

    /// A live scenario reads the database `--database` names, and writes nothing anywhere.
    func testALiveScenarioReadsTheDatabaseItIsPointedAt() throws {
        let live = "live_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(live) } }
        try withClient { try LiveOrders.seed(live, using: $0) }
        let before = try withClient { try Set($0.databaseNames()) }
        let catalog = try Self.catalog([ScenarioFixtures.live])
        XCTAssertEqual(catalog.scenarios.map(\.mode), [.live])

        var options = RunOptions()
        options.databaseOverride = live
        let (_, suites) = try run(catalog, options: options)
        for test in suites.flatMap(\.tests) {
            guard case .passed = test.outcome else {
                XCTFail("\(test.name) should pass, was \(Self.describe(test.outcome))")
                continue
            }
        }
        XCTAssertEqual(suites.first?.passed, 3, "the file's two tests, and that the collections it reads hold documents")
        XCTAssertFalse(suites.first?.systemOut.contains("sandbox database") ?? true)
        XCTAssertEqual(try withClient { try Set($0.databaseNames()) }, before, "a live run creates no database")
        let after = try withClient { client in
            (try client.collection("orders", in: live).find([:], options: ["sort": ["_id": 1]]),
             try client.collection("billing_ledger", in: live).countDocuments())
        }
        XCTAssertEqual(after.0.map { $0["billed"] }, [true, false, false])
        XCTAssertEqual(after.1, 1)

        // Without the override it reads its own `database`, which this server does not have.
        let (_, unpointed) = try run(catalog)
        guard case .failed(let problem)? = unpointed.first?.tests.first?.outcome else {
            return XCTFail("without --database the live scenario reads \"earlybird\" and must fail")
        }
        XCTAssertTrue(problem.message.contains("expected 1, got 0"), problem.message)
    }

    // MARK: - Loading and selecting

    func testTheCatalogSortsWhatEachFolderHolds() throws {
        let loader = ScenarioLoader()
        let passing = ScenarioCatalog.load([ScenarioFixtures.passing], loader: loader)
        XCTAssertEqual(passing.errors, [])
        XCTAssertEqual(passing.scenarios.count, 8)
        XCTAssertEqual(passing.otherFiles.map { URL(fileURLWithPath: $0.file).lastPathComponent }, ["products.json"])

        let failing = ScenarioCatalog.load([ScenarioFixtures.failing], loader: loader)
        XCTAssertEqual(failing.errors, [])
        XCTAssertEqual(failing.scenarios.count, 6)

        let invalidFiles = ScenarioCatalog.jsonFiles(under: ScenarioFixtures.invalid)
        XCTAssertGreaterThanOrEqual(invalidFiles.count, 9)
        for file in invalidFiles {
            let catalog = ScenarioCatalog.load([file], loader: loader)
            XCTAssertEqual(catalog.scenarios.count, 0, "\(file) must be invalid")
            XCTAssertFalse(catalog.errors.isEmpty, "\(file) must be invalid")
            // A missing fixture file has a test of its own below.
            if file.hasSuffix("missing-fixture-file.json") { continue }
            for error in catalog.errors {
                XCTAssertNotNil(error.line, "\(error) is located")
                XCTAssertTrue(error.description.contains(URL(fileURLWithPath: file).lastPathComponent), "\(error) names its file")
            }
        }
        let malformed = ScenarioCatalog.load([ScenarioFixtures.path("invalid/malformed-json.json")], loader: loader).errors
        XCTAssertEqual(malformed.map(\.line), [5])
        XCTAssertEqual(malformed.map(\.column), [48])
        let typo = ScenarioCatalog.load([ScenarioFixtures.path("invalid/unknown-key.json")], loader: loader).errors
        XCTAssertEqual(typo.map { $0.path?.description }, ["tests[0].steps[1].expectEror"])
        XCTAssertTrue(typo.first?.message.contains("did you mean `expectError`?") ?? false, "\(typo)")
    }

    /// An unknown name with nothing to suggest must not end in a dangling "expected one of".
    func testAnUnknownProcedureWithNoneDefinedReadsCleanly() throws {
        let errors = ScenarioCatalog.load([ScenarioFixtures.path("invalid/structure.json")], loader: ScenarioLoader()).errors
        let unknown = try XCTUnwrap(errors.first { $0.message.contains("nosuch.procedure") })
        XCTAssertFalse(
            unknown.message.trimmingCharacters(in: .whitespaces).hasSuffix("expected one of"),
            "the message trails off: \(unknown.description)")
    }

    /// A missing fixture file is reported against the scenario that names it, at its JSON path.
    func testAMissingFixtureFileNamesTheScenarioAndThePath() throws {
        let errors = ScenarioCatalog.load([ScenarioFixtures.path("invalid/missing-fixture-file.json")], loader: ScenarioLoader()).errors
        XCTAssertFalse(errors.isEmpty)
        XCTAssertTrue(
            errors.contains { $0.file.hasSuffix("missing-fixture-file.json") && $0.path?.description == "fixtures.orders.file" },
            "\(errors.map(\.description))")
    }

    /// A fixture document the server refuses (here under the fixture's unique index) is
    /// named: the file, its place (past the first batch of 1,000), its `_id`.
    func testARefusedFixtureDocumentIsNamedWithItsFileAndPlace() throws {
        let dir = try TemporaryDirectory()
        let lines = (1...1_003).map { #"{"_id": \#($0), "code": \#($0 == 1_002 ? 5 : $0)}"# }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir.path + "/orders.ndjson"))
        let scenario = dir.path + "/s.json"
        try Data(#"""
            {"preflight": 1, "name": "s", "fixtures": {"orders": {"file": "orders.ndjson", "indexes": [{"key": {"code": 1}, "unique": true}]}},
             "tests": [{"name": "t", "steps": [{"count": "orders", "expect": 1003}]}]}
            """#.utf8).write(to: URL(fileURLWithPath: scenario))
        let run = try runBinary(["run", scenario, "--uri", try serverURI, "--junit", dir.path + "/junit.xml"])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(
            run.standardOutput.contains(#"loading the fixture "orders" (\#(dir.path)/orders.ndjson) failed at document 1002 of 1003 (_id 1002): E11000"#),
            run.transcript)
    }

    func testSelectionByFilterAndTag() throws {
        let catalog = try Self.catalog([ScenarioFixtures.passing])
        let byName = TestSelection(filter: "DECIMAL128 equals").select(catalog.scenarios)
        XCTAssertEqual(byName.flatMap { $0.tests.map(\.name) }, ["Decimal128 equals Decimal128 by value: 100.50 is 100.5"])
        let byFile = TestSelection(filter: "requires-unmet").select(catalog.scenarios)
        XCTAssertEqual(byFile.flatMap { $0.tests.map(\.name) }, ["needs version 99: skipped", "also skipped"])
        let byTestTag = TestSelection(tags: ["repeat"]).select(catalog.scenarios)
        XCTAssertEqual(byTestTag.flatMap { $0.tests.map(\.name) }, ["a repeated test starts every iteration from fresh fixtures"])
        let byScenarioTag = TestSelection(tags: ["transactions", "admin"]).select(catalog.scenarios)
        XCTAssertEqual(byScenarioTag.map(\.scenario.name).sorted(), ["Indexes, collections, commands and expected errors", "Transactions and fail points"])
        XCTAssertTrue(TestSelection(filter: "no such test anywhere").select(catalog.scenarios).isEmpty)
        XCTAssertTrue(TestSelection(filter: "decimal", tags: ["crud"]).select(catalog.scenarios).isEmpty)
    }

    // MARK: - Helpers

    static func catalog(_ paths: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ScenarioCatalog {
        let catalog = ScenarioCatalog.load(paths, loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [], file: file, line: line)
        XCTAssertFalse(catalog.scenarios.isEmpty, file: file, line: line)
        return catalog
    }

    /// Runs every test of `catalog` on the class's server; returns the run's id and results.
    func run(_ catalog: ScenarioCatalog, options: RunOptions = RunOptions(), observer: RunObserver? = nil) throws -> (String, [SuiteResult]) {
        let run = try ScenarioRun(uri: try XCTUnwrap(Self.server, "no scratch server").uri, options: options)
        defer { run.close() }
        return (run.runID, run.run(TestSelection().select(catalog.scenarios), observer: observer))
    }

    static func key(_ suite: SuiteResult, _ test: TestResult) -> String {
        URL(fileURLWithPath: suite.file).lastPathComponent + " / " + test.name
    }

    static func problem(_ suites: [SuiteResult], _ key: String) -> TestProblem? {
        for suite in suites {
            for test in suite.tests where Self.key(suite, test) == key {
                switch test.outcome {
                case .failed(let problem), .errored(let problem): return problem
                default: return nil
                }
            }
        }
        return nil
    }

    static func describe(_ outcome: TestResult.Outcome) -> String {
        switch outcome {
        case .passed: "passed"
        case .failed(let problem): "failed: \(problem.message)"
        case .errored(let problem): "errored: \(problem.message)"
        case .skipped(let reason): "skipped: \(reason)"
        }
    }

    /// No database named like a sandbox (`pf_<run id>_<n>`) is left on the class's server.
    func assertNoSandboxRemains(except allowed: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let left = try withClient { try $0.databaseNames() }.filter { SandboxDatabases.isSandbox($0) && !allowed.contains($0) }
        XCTAssertEqual(left, [], "sandbox databases left behind", file: file, line: line)
    }

    /// A plain insert succeeds: no `failCommand` was left on by the run.
    func assertFailPointsAreOff(file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = "failpoint_probe_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(probe) } }
        do {
            try withClient { client in
                _ = try client.collection("orders", in: probe).insertOne(["_id": 1])
                _ = try client.collection("orders", in: probe).updateOne(filter: ["_id": 1], update: ["$set": ["x": 1]])
            }
        } catch {
            XCTFail("a fail point was left on after the run: \(error)", file: file, line: line)
            // Leave the server usable for the other tests.
            try? withClient { _ = try $0.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") }
        }
    }

    @discardableResult
    func assertValidJUnit(_ suites: [SuiteResult], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/junit.xml"
        try JUnitReport(suites: suites).write(to: path)
        JUnitCases.validate(path, file: file, line: line)
        let copy = NSTemporaryDirectory() + "scenario-run-junit-" + ObjectID().hex + ".xml"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: copy) }
        return copy
    }
}

/// Records what a run tells its observer.
final class RecordingObserver: RunObserver {
    private(set) var started: [String] = []
    private(set) var finished: [String] = []
    private(set) var suitesFinished: [String] = []

    func suiteStarted(_ scenario: Scenario) { started.append(scenario.name) }
    func testFinished(_ result: TestResult, in scenario: Scenario) { finished.append(result.name) }
    func suiteFinished(_ suite: SuiteResult) { suitesFinished.append(suite.name) }
}
