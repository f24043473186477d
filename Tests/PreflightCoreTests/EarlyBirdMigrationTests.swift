import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The EarlyBird pack's migration 0007 (backfill the Phase 0.7 billing fields) on its
/// legacy fixtures: it touches only what it declares, is idempotent, and its `down`
/// restores every order exactly; after it, the billing query sees every delivered,
/// unbilled order and none that was billed.
final class EarlyBirdMigrationTests: ScratchServerTestCase {
    static let file = "migrations/0007-backfill-billing-fields.json"

    /// A copy of the pack, to run or break without touching the real one.
    private func pack() throws -> EarlyBirdCopy {
        try EarlyBirdCopy()
    }

    func testTheBackfillPassesEveryCheckOnTheLegacyOrders() throws {
        let copy = try pack()
        let migration = try MigrationLoader().load(copy.root + "/" + Self.file)
        XCTAssertEqual(migration.changes, [DeclaredChanges(
            collection: "orders", adds: ["billed", "delivery_confirmed", "billed_at", "billed_month", "delivered_at", "_migration_0007"],
            changes: ["billed", "billed_month"])])
        let suite = try verify(migration, keepDatabases: true)
        let kept = try runDatabasesOnServer().sorted()
        defer { for name in kept { try? withClient { try $0.dropDatabase(name) } } }

        XCTAssertEqual(suite.checkOutcomes[Checks.up], "passed")
        XCTAssertEqual(suite.checkOutcomes[Checks.counts], "passed")
        XCTAssertEqual(suite.checkOutcomes[Checks.fields], "passed")
        XCTAssertEqual(suite.checkOutcomes[Checks.idempotent], "passed")
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
        // After the backfill the orders meet the Phase 0.7 spec, reachability included.
        XCTAssertEqual(suite.checkOutcomes[Checks.compat], "passed")

        // The state after up, as its snapshot kept it.
        XCTAssertEqual(kept.count, 2)
        let afterUp = try withClient { try $0.collection("orders__preflight_snapshot_1", in: kept[1]).find([:], options: ["sort": ["_id": 1]]) }
        XCTAssertEqual(afterUp.count, 12)
        for order in afterUp {
            for field in ["billed", "delivery_confirmed"] {
                XCTAssertNotNil(order[field]?.boolValue, "\(order["_id"]!) \(field): \(String(describing: order[field]))")
            }
            for field in ["billed_at", "billed_month", "delivered_at"] { XCTAssertNotNil(order[field], "\(order["_id"]!) \(field)") }
            if let month = order["billed_month"], month != .null {
                XCTAssertNotNil(month.stringValue?.wholeMatch(of: /[0-9]{4}-[0-9]{2}/), "\(order["_id"]!): \(month)")
            }
        }
        let billable = afterUp.filter {
            $0["status"] == "delivered" && $0["delivery_confirmed"] == .bool(true) && $0["billed"] != .bool(true)
        }.compactMap { $0["_id"]?.stringValue }
        XCTAssertEqual(billable, ["l-1002", "l-1003", "l-1004", "l-1008", "o-1011"])
        let order = { (id: String) in afterUp.first { $0["_id"] == .string(id) } }
        XCTAssertEqual(order("l-1005")?["billed_month"], "2025-12")
        XCTAssertEqual(order("l-1006")?["billed"], .bool(true), "billed_at shows the old script billed it")
        XCTAssertEqual(order("l-1009")?["billed"], .bool(false), "a long 0 is false too")
        XCTAssertEqual(order("l-1001")?["delivery_confirmed"], .bool(false), "not delivered")
        XCTAssertNil(order("o-1011")?["_migration_0007"], "a Phase 0.7 order is not touched")
    }

    /// Without its record of what changed, the backfill cannot be undone: a `down` that
    /// only unsets what up may have added takes fields from orders that had them.
    func testADownThatIgnoresTheRecordDoesNotRestoreTheOrders() throws {
        let copy = try pack()
        let path = copy.root + "/" + Self.file
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let down = try XCTUnwrap(text.range(of: #""down": ["#))
        text = String(text[..<down.lowerBound]) + #""down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"billed": "", "delivery_confirmed": "", "billed_at": "", "billed_month": "", "delivered_at": "", "_migration_0007": ""}}}]}"#
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let suite = try verify(try MigrationLoader().load(path))
        XCTAssertEqual(suite.checkOutcomes[Checks.fields], "passed")
        let failure = suite.failureText(of: Checks.down)
        XCTAssertTrue(failure.hasPrefix("down did not restore the snapshot taken before up: "), failure)
        XCTAssertTrue(failure.contains(#"orders l-1003: billed: removed (was "false" (string))"#), failure)
        XCTAssertTrue(failure.contains("orders l-1005: billed_month: removed (was 2025-12-01T00:00:00Z (date))"), failure)
        XCTAssertTrue(failure.contains("orders o-1011: delivered_at: removed (was 2026-01-28T08:10:00Z (date))"), failure)
    }
}
