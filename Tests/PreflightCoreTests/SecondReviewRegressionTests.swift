import Foundation
@testable import Mongo
import XCTest

@testable import PreflightCore

/// Findings of the second review, each pinned: asking a server what it can do changes
/// nothing on it, odd index keys do not crash, a scenario is never filed as a schema, and
/// tags match in any case.
final class SecondReviewRegressionTests: ScratchServerTestCase {
    /// `serverFacts` used to switch `failCommand` off to see whether fail points work,
    /// which switched off another client's. Now it asks about a fail point that does not exist.
    func testAskingAboutFailPointsLeavesAnotherClientsFailPointOn() throws {
        let uri = try XCTUnwrap(Self.server?.uri)
        let other = try ConnectionPool(uri: uri, appName: "other-suite")
        defer { other.close() }
        _ = try other.withClient { client in
            try client.runCommand(
                ["configureFailPoint": "failCommand", "mode": "alwaysOn",
                 "data": ["failCommands": ["find"], "errorCode": 2, "appName": "other-suite"]],
                on: "admin")
        }
        defer { _ = try? other.withClient { try $0.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") } }

        let facts = try withClient { try $0.serverFacts() }
        XCTAssertTrue(facts.failPointsAvailable, "the scratch server is started with test commands")

        XCTAssertThrowsError(try other.withClient { try $0.collection("c", in: database).find([:]) }, "the other client's fail point must still be on") { error in
            XCTAssertEqual((error as? MongoError)?.code, 2)
        }
    }

    /// An index key direction that is not a small whole number named the index through
    /// `Int64(_:)`, which traps on 1e300.
    func testIndexNamesForHugeOrFractionalDirectionsDoNotTrap() {
        XCTAssertEqual(MongoCollection.defaultIndexName(["total": .double(1e300)]), "total_1e+300")
        XCTAssertEqual(MongoCollection.defaultIndexName(["total": .double(-1)]), "total_-1")
        XCTAssertEqual(MongoCollection.defaultIndexName(["total": .double(.infinity)]), "total_inf")
    }

    /// A file with `tests` and a `$schema` key but a misspelt `preflight` is a broken
    /// scenario, reported as one, not a JSON Schema set aside.
    func testAScenarioWithoutItsVersionIsReportedNotFiledAsASchema() throws {
        let folder = try TemporaryDirectory()
        try #"{"$schema": "../schema/scenario.schema.json", "prefilght": 1, "name": "s", "tests": [{"name": "t", "steps": [{"find": "o"}]}]}"#
            .write(toFile: folder.path + "/b.json", atomically: true, encoding: .utf8)
        let catalog = ScenarioCatalog.load([folder.path], loader: ScenarioLoader())
        XCTAssertEqual(catalog.otherFiles.map(\.file), [])
        XCTAssertEqual(catalog.errors.map(\.message), [
            "unknown key `prefilght`; did you mean `preflight`?",
            "missing required key \"preflight\" (the format version, 1)",
        ])
    }

    func testTagsMatchInAnyCase() throws {
        let folder = try TemporaryDirectory()
        try #"{"preflight": 1, "name": "s", "tags": ["Billing"], "tests": [{"name": "t", "steps": [{"find": "o"}]}]}"#
            .write(toFile: folder.path + "/s.json", atomically: true, encoding: .utf8)
        let scenario = try ScenarioLoader().load(folder.path + "/s.json")
        XCTAssertEqual(TestSelection(tags: ["billing"]).select([scenario]).count, 1)
        XCTAssertEqual(TestSelection(tags: ["shipping"]).select([scenario]).count, 0)
    }
}
