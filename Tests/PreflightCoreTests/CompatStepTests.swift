import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The `compat` scenario step: validated with the scenario (a missing or invalid spec is
/// reported at the step), run on the test's sandbox or the live database, failing the
/// step with the spec's summary.
final class CompatStepTests: ScratchServerTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try writeSpec(CompatOrders.spec, in: folder, as: "compat/orders.json")
    }

    /// Legacy fixtures fail the spec until a backfill gives them the fields: the failing
    /// step carries the spec's summary, the passing one logs every count.
    private static let scenario = #"""
        {"preflight": 1, "name": "legacy orders and the 0.7 contract", "database": "earlybird",
         "fixtures": {"orders": [
           {"_id": "l-01", "status": "delivered", "total": 5},
           {"_id": "l-02", "status": "delivered", "billed": "false", "total": 7},
           {"_id": "o-03", "status": "pending", "billed": false, "total": 1.5}
         ]},
         "tests": [
           {"name": "legacy orders fail the contract", "steps": [{"compat": "compat/orders.json"}]},
           {"name": "the backfill makes them pass", "steps": [
             {"updateMany": "orders", "filter": {"status": "delivered"},
              "update": {"$set": {"billed": false, "delivery_confirmed": true}}},
             {"name": "0.7 contract", "compat": "compat/orders.json"}]}
         ]}
        """#

    private func run(_ path: String, options: RunOptions = RunOptions()) throws -> SuiteResult {
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        let run = try ScenarioRun(uri: try serverURI, options: options)
        defer { run.close() }
        return try XCTUnwrap(run.run(TestSelection().select(catalog.scenarios), observer: nil).first)
    }

    func testTheStepFailsWithTheSummaryAndPassesOnceTheDataComplies() throws {
        let file = try folder.write("legacy.json", Self.scenario)
        let suite = try run(file)
        guard case .failed(let problem) = suite.tests[0].outcome else {
            return XCTFail("the legacy fixtures should fail the spec: \(suite.tests[0].outcome)")
        }
        XCTAssertEqual(problem.type, "compat")
        XCTAssertEqual(problem.message, """
            tests[0].steps[0]: compat \(folder.path)/compat/orders.json: orders carry the Phase 0.7 billing fields: 2 of 7 checks failed: \
            billed: 1 document with a wrong type (string ×1); \
            every delivered, unbilled order is visible to the billing query: 2 of 2 documents not matched by the query
            """)
        XCTAssertTrue(problem.details.contains(#"billed: 1 of 3 documents has a wrong type (string ×1); samples: l-02"#), problem.details)
        XCTAssertEqual(suite.tests[0].steps.map(\.kind), ["compat"])

        guard case .passed = suite.tests[1].outcome else { return XCTFail("after the backfill: \(suite.tests[1].outcome)") }
        XCTAssertTrue(suite.tests[1].output.contains("  ✓ billed: 3 documents: 3 allowed (bool), 0 missing (the default false applies), 0 wrong type"), suite.tests[1].output)
        XCTAssertTrue(suite.tests[1].output.contains("→ pf_"), "the sandbox is what was read: \(suite.tests[1].output)")
        try assertNoSandboxLeft()
    }

    /// Compat only reads, so a live scenario may hold the live database to a spec.
    func testALiveScenarioHoldsTheLiveDatabaseToTheSpec() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let before = try canonicalSnapshot(of: database)
        let file = try folder.write("live.json", #"""
            {"preflight": 1, "name": "live compat", "mode": "live", "database": "earlybird",
             "tests": [{"name": "orders comply", "steps": [{"compat": "compat/orders.json"}]}]}
            """#)
        var options = RunOptions()
        options.databaseOverride = database
        let suite = try run(file, options: options)
        guard case .failed(let problem) = suite.tests[0].outcome else { return XCTFail("\(suite.tests[0].outcome)") }
        XCTAssertTrue(problem.message.contains(": 5 of 7 checks failed: billed: 4 documents with a wrong type"), problem.message)
        XCTAssertEqual(try canonicalSnapshot(of: database), before)
    }

    /// A missing spec, an invalid one, and a compat step inside a transaction are refused
    /// when the scenario is loaded, at the step.
    func testProblemsAreReportedAtTheStepWhenTheScenarioLoads() throws {
        try folder.write("compat/broken.json", #"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bol"}}}"#)
        let file = try folder.write("bad.json", #"""
            {"preflight": 1, "name": "bad",
             "tests": [{"name": "t", "steps": [
               {"compat": "compat/missing.json"},
               {"compat": "compat/broken.json"},
               {"transaction": [{"compat": "compat/orders.json"}]}
             ]}]}
            """#)
        do {
            _ = try ScenarioLoader().load(file)
            XCTFail("loaded a scenario with broken compat steps")
        } catch {
            XCTAssertEqual(error.errors.map(\.description), [
                "\(file):3:5: tests[0].steps[0].compat: no such file: \(folder.path)/compat/missing.json (compat spec paths are relative to this file)",
                "\(file):4:5: tests[0].steps[1].compat: the compat spec is invalid: \(folder.path)/compat/broken.json:1:79: fields.billed.type: unknown type `bol`; did you mean `bool`?",
                "\(file):5:21: tests[0].steps[2].transaction[0]: a \"compat\" step cannot run inside a transaction: it reads outside the transaction's session, and would not see its writes",
            ])
        }
    }

    private func assertNoSandboxLeft(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try sandboxesOnServer(), [], file: file, line: line)
    }
}
