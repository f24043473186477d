import Foundation
import XCTest

@testable import PreflightCore

/// Which scratch server a run starts, read from the files (one walk of their steps,
/// `StepWalk`, shared with the collections a live file reads).
final class ScratchTopologyTests: FolderTestCase {
    private func scenario(_ tests: String, procedures: String = "{}") throws -> Scenario {
        let path = try folder.write("s-\(UUID().uuidString).json", """
            {"preflight": 1, "name": "s", "vars": {"xs": [1, 2]}, "requires": {"failPoints": true},
             "procedures": \(procedures), "tests": \(tests)}
            """)
        return try ScenarioLoader().load(path)
    }

    func testAFileWithoutTransactionsOrFailPointsGetsAStandalone() throws {
        let plain = try scenario(#"[{"name": "t", "steps": [{"forEach": "xs", "as": "x", "steps": [{"count": "orders"}]}]}]"#)
        XCTAssertEqual(ScratchTopology.needed(by: [plain]).0, .standalone)
        XCTAssertNil(ScratchTopology.needed(by: [plain]).reason)
    }

    func testATransactionOrAFailPointAtAnyDepthGetsAReplicaSetAndSaysWhy() throws {
        let nested = try scenario(#"[{"name": "t", "steps": [{"parallel": [[{"count": "a"}], [{"transaction": [{"count": "b"}]}]]}]}]"#)
        let (topology, reason) = ScratchTopology.needed(by: [nested])
        XCTAssertEqual(topology, .replicaSet)
        XCTAssertEqual(reason, "\(nested.file) uses a transaction, which needs one")
        let failPoint = try scenario(#"""
            [{"name": "t", "steps": [{"repeat": 2, "steps": [{"failPoint": {"configureFailPoint": "failCommand", "mode": "off"}}]}]}]
            """#)
        XCTAssertEqual(ScratchTopology.needed(by: [failPoint]).reason, "\(failPoint.file) uses a fail point, which needs one")
        XCTAssertEqual(ScratchTopology.needed(by: [], checklist: ["replicaset"]).0, .replicaSet)
        XCTAssertEqual(ScratchTopology.needed(by: [], checklist: ["single", "replicaset"]).0, .standalone)
    }

    func testATransactionInAProcedureIsFoundThroughRunWhereverItIsCalled() throws {
        let procedures = #"""
            {"a": {"steps": [{"run": "quiet"}, {"run": "quiet"}, {"run": "b"}]}, "b": {"steps": [{"transaction": [{"count": "c"}]}]},
             "quiet": {"steps": [{"count": "d"}]}}
            """#
        let calls = try scenario(#"[{"name": "t", "steps": [{"run": "a"}]}, {"name": "u", "steps": [{"run": "quiet"}]}]"#, procedures: procedures)
        XCTAssertTrue(ScratchTopology.usesTransaction(calls.tests[0].steps, procedures: calls.procedures))
        XCTAssertFalse(ScratchTopology.usesTransaction(calls.tests[1].steps, procedures: calls.procedures))
    }
}
