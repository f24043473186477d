import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `migrate verify`'s checks on a real scratch server: a correct migration passes every
/// one, and each check catches the fault it exists for, naming the document and the field.
final class MigrationVerifyTests: ScratchServerTestCase {
    /// Three orders with a nested address, a counter, a month string and an int32.
    static let orders = """
        [{"_id": "o-1", "n": 1, "note": "keep", "addr": {"street": "1 Lake Road", "city": "Pune"}, "billed_month": "2026-01", "visits": 1, "tags": ["a"]},
         {"_id": "o-2", "n": 2, "note": "keep", "addr": {"street": "4 Hill Street", "city": "Goa"}, "billed_month": "2026-02", "visits": 1, "tags": ["a"]},
         {"_id": "o-3", "n": 3, "note": "keep", "addr": {"street": "9 Mill Lane", "city": "Agra"}, "billed_month": "2026-03", "visits": 1, "tags": ["a"]}]
        """

    private func text(up: String, down: String, changes: String, fixtures: String? = nil) -> String {
        """
        {"preflight": 1, "migration": "test migration", "database": "shop",
         "fixtures": \(fixtures ?? #"{"orders": {"documents": \#(Self.orders), "indexes": [{"key": {"n": 1}, "unique": true}]}, "customers": [{"_id": "c-1", "name": "Asha"}]}"#),
         "changes": \(changes),
         "up": \(up),
         "down": \(down)}
        """
    }

    /// `flag` added where missing, removed again by down: every check passes.
    static let addFlagUp = #"[{"updateMany": "orders", "filter": {"flag": {"$exists": false}}, "update": {"$set": {"flag": false}}}]"#
    static let addFlagDown = #"[{"updateMany": "orders", "filter": {}, "update": {"$unset": {"flag": ""}}}]"#
    static let addFlagChanges = #"{"orders": {"adds": ["flag"]}}"#

    func testACorrectMigrationPassesEveryCheck() throws {
        let suite = try verify(try migration(text(up: Self.addFlagUp, down: Self.addFlagDown, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(suite.tests.map(\.name), Checks.all)
        XCTAssertEqual(suite.tests.map(\.outcome.word), ["passed", "passed", "passed", "skipped", "passed", "passed"], "\(suite.checkOutcomes)")
        XCTAssertEqual(suite.checkOutcomes[Checks.compat], "skipped: no compat spec named")
        XCTAssertTrue(suite.systemOut.contains("before up: customers 1, orders 3 documents"), suite.systemOut)
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testDroppingAnUndeclaredFieldFailsTheFieldCheckNamingTheDocumentAndField() throws {
        let up = #"[{"updateMany": "orders", "filter": {}, "update": {"$set": {"flag": false}, "$unset": {"note": ""}}}]"#
        let suite = try verify(try migration(text(up: up, down: Self.addFlagDown, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(suite.checkOutcomes[Checks.counts], "passed")
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 3 differences in 3 documents; the first: orders o-1: note: removed (was "keep" (string))"#)
        XCTAssertEqual(suite.checkOutcomes[Checks.down]?.hasPrefix("failed:"), true, "nothing puts note back")
        XCTAssertTrue(suite.failureText(of: Checks.down).contains(#"orders o-3: note: removed (was "keep" (string))"#), suite.failureText(of: Checks.down))
    }

    func testRetypingAValueFailsTheFieldCheckWithBothTypes() throws {
        // int32 → int64 and a month string → a date, each on one document.
        let up = """
            [{"updateOne": "orders", "filter": {"_id": "o-1"}, "update": [{"$set": {"n": {"$toLong": "$n"}}}]},
             {"updateOne": "orders", "filter": {"_id": "o-2"},
              "update": [{"$set": {"billed_month": {"$dateFromString": {"dateString": {"$concat": ["$billed_month", "-01"]}}}}}]}]
            """
        let down = #"[{"updateOne": "orders", "filter": {"_id": "o-1"}, "update": {"$set": {"n": 1}}}, {"updateOne": "orders", "filter": {"_id": "o-2"}, "update": {"$set": {"billed_month": "2026-02"}}}]"#
        let suite = try verify(try migration(text(up: up, down: down, changes: #"{"orders": {"adds": ["flag"]}}"#), in: folder))
        XCTAssertEqual(suite.failureText(of: Checks.fields), """
            up changed what "changes" does not declare: 2 differences in 2 documents; the first: orders o-1: n: changed from 1 (int) to 1 (long)
            orders o-1: n: changed from 1 (int) to 1 (long)
            orders o-2: billed_month: changed from "2026-02" (string) to 2026-02-01T00:00:00Z (date)
            """)
        // The down writes them back as they were: int32 1 and the string.
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
    }

    func testDeclaringAFieldAllowsItsChangeButOnlyOfTheDeclaredKind() throws {
        // billed_month may change; note may be added where missing, not removed.
        let up = #"[{"updateMany": "orders", "filter": {}, "update": {"$set": {"billed_month": null}, "$unset": {"note": ""}}}]"#
        let changes = #"{"orders": {"changes": ["billed_month"], "adds": ["note"]}}"#
        let suite = try verify(try migration(text(up: up, down: "[{\"find\": \"orders\"}]", changes: changes), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 3 differences in 3 documents; the first: orders o-1: note: removed (was "keep" (string)); "changes" declares note in "adds" only"#)
        XCTAssertFalse(suite.failureText(of: Checks.fields).contains("billed_month"), suite.failureText(of: Checks.fields))
    }

    func testKeyOrderInsideAnUndeclaredSubdocumentIsAChange() throws {
        let up = #"[{"updateOne": "orders", "filter": {"_id": "o-2"}, "update": [{"$set": {"addr": {"city": "$addr.city", "street": "$addr.street"}}}]}]"#
        let down = #"[{"updateOne": "orders", "filter": {"_id": "o-2"}, "update": [{"$set": {"addr": {"street": "$addr.street", "city": "$addr.city"}}}]}]"#
        let suite = try verify(try migration(text(up: up, down: down, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 1 difference in 1 document; the first: orders o-2: addr: key order changed from [street, city] to [city, street]"#)
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
    }

    func testANestedDeclaredPathAllowsThatFieldOnly() throws {
        let up = #"[{"updateMany": "orders", "filter": {}, "update": {"$set": {"addr.city": "Mumbai"}}}, {"updateOne": "orders", "filter": {"_id": "o-3"}, "update": {"$set": {"addr.street": "x"}}}]"#
        let suite = try verify(try migration(text(up: up, down: "[{\"find\": \"orders\"}]", changes: #"{"orders": {"changes": ["addr.city"]}}"#), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 1 difference in 1 document; the first: orders o-3: addr.street: changed from "9 Mill Lane" (string) to "x" (string)"#)
    }

    func testANonIdempotentUpFailsTheIdempotenceCheckAndDownIsJudgedAlone() throws {
        // $inc and $push change the data again on every run.
        let up = #"[{"updateMany": "orders", "filter": {}, "update": {"$inc": {"visits": 1}, "$push": {"tags": "migrated"}}}]"#
        let down = #"[{"updateMany": "orders", "filter": {}, "update": {"$inc": {"visits": -1}, "$pop": {"tags": 1}}}]"#
        let suite = try verify(try migration(text(up: up, down: down, changes: #"{"orders": {"changes": ["visits", "tags"]}}"#), in: folder))
        XCTAssertEqual(suite.checkOutcomes[Checks.fields], "passed")
        XCTAssertEqual(suite.failureText(of: Checks.idempotent), """
            a second up changed the data: 6 differences in 3 documents; the first: orders o-1: visits: changed from 2 (int) to 3 (int)
            orders o-1: visits: changed from 2 (int) to 3 (int)
            orders o-1: tags: changed from ["a","migrated"] (array) to ["a","migrated","migrated"] (array)
            orders o-2: visits: changed from 2 (int) to 3 (int)
            orders o-2: tags: changed from ["a","migrated"] (array) to ["a","migrated","migrated"] (array)
            orders o-3: visits: changed from 2 (int) to 3 (int)
            orders o-3: tags: changed from ["a","migrated"] (array) to ["a","migrated","migrated"] (array)
            """)
        // The state after one up is put back before down runs, and this down undoes one up exactly.
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
        XCTAssertTrue(
            suite.tests.last?.output.contains("The second up changed the data: the state after the first up is put back before down runs.") ?? false)
    }

    func testADownThatLeavesAFieldFailsTheDownCheck() throws {
        let down = #"[{"updateMany": "orders", "filter": {"_id": {"$ne": "o-2"}}, "update": {"$unset": {"flag": ""}}}]"#
        let suite = try verify(try migration(text(up: Self.addFlagUp, down: down, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(suite.tests.prefix(3).map(\.outcome.word), ["passed", "passed", "passed"])
        XCTAssertEqual(
            suite.checkOutcomes[Checks.down],
            "failed: down did not restore the snapshot taken before up: 1 difference in 1 document; the first: orders o-2: flag: added: false (bool)")
    }

    func testADownThatReordersKeysFailsTheDownCheck() throws {
        // Restores every value, but rebuilds the document with note moved to the end.
        let down = #"[{"updateMany": "orders", "filter": {}, "update": [{"$unset": ["flag", "note"]}, {"$set": {"note": "keep"}}]}]"#
        let suite = try verify(try migration(text(up: Self.addFlagUp, down: down, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.down],
            "failed: down did not restore the snapshot taken before up: 3 differences in 3 documents; the first: orders o-1: key order changed from [_id, n, note, addr, billed_month, visits, tags] to [_id, n, addr, billed_month, visits, tags, note]")
    }

    func testADownThatLeavesAnIndexFailsTheDownCheck() throws {
        let up = #"[{"createIndex": "orders", "key": {"billed_month": 1}}]"#
        let suite = try verify(try migration(text(up: up, down: "[{\"find\": \"orders\"}]", changes: "{}"), in: folder))
        XCTAssertEqual(suite.tests.prefix(3).map(\.outcome.word), ["passed", "passed", "passed"])
        XCTAssertEqual(suite.checkOutcomes[Checks.idempotent], "passed")
        XCTAssertEqual(
            suite.checkOutcomes[Checks.down],
            #"failed: down did not restore the snapshot taken before up: 1 difference; the first: orders: index billed_month_1 is new after down ({"key":{"billed_month":1},"name":"billed_month_1"})"#)
    }

    func testALostDocumentFailsTheCountAndNamesTheDocument() throws {
        let up = #"[{"deleteOne": "orders", "filter": {"_id": "o-3"}}]"#
        let down = #"[{"insertOne": "orders", "document": {"_id": "o-3", "n": 3, "note": "keep", "addr": {"street": "9 Mill Lane", "city": "Agra"}, "billed_month": "2026-03", "visits": 1, "tags": ["a"]}}]"#
        let suite = try verify(try migration(text(up: up, down: down, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.counts],
            "failed: up changed the collections or their document counts: 1 difference; the first: orders: 3 documents before, 2 after up")
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 1 difference in 1 document; the first: orders o-3: missing after up"#)
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
    }

    func testADuplicatedDocumentFailsTheCountAndNamesTheCopy() throws {
        let up = #"[{"find": "orders", "filter": {"_id": "o-1"}, "save": "found"}, {"insertOne": "orders", "document": {"_id": "o-1-copy", "n": 10, "note": {"$$var": "found.0.note"}}}]"#
        let down = #"[{"deleteOne": "orders", "filter": {"_id": "o-1-copy"}}]"#
        let suite = try verify(try migration(text(up: up, down: down, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.counts],
            "failed: up changed the collections or their document counts: 1 difference; the first: orders: 3 documents before, 4 after up")
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 1 difference in 1 document; the first: orders o-1-copy: extra after up (no document with this _id before)"#)
        XCTAssertEqual(suite.checkOutcomes[Checks.idempotent]?.hasPrefix("failed:"), true, "the second insert is a duplicate key")
    }

    func testAnUndeclaredCollectionUpCreatesFailsTheCountsUnlessDeclaredCreated() throws {
        let up = #"[{"insertOne": "orders_0099_undo", "document": {"_id": "o-1"}}]"#
        let down = #"[{"drop": "orders_0099_undo"}]"#
        let undeclared = try verify(try migration(text(up: up, down: down, changes: "{}"), in: folder))
        XCTAssertEqual(
            undeclared.checkOutcomes[Checks.counts],
            "failed: up changed the collections or their document counts: 1 difference; the first: orders_0099_undo: a new collection after up, with 1 document")
        let declared = try verify(try migration(text(up: up, down: down, changes: #"{"orders_0099_undo": {"created": true}}"#), in: try ScenarioFolder()))
        XCTAssertEqual(declared.checkOutcomes[Checks.counts], "passed")
        // The second up inserts the same _id again.
        XCTAssertEqual(declared.checkOutcomes[Checks.idempotent]?.hasPrefix("failed:"), true)
        XCTAssertEqual(declared.checkOutcomes[Checks.down], "passed")
    }

    func testAFailingUpFailsTheFirstCheckAndSkipsTheRest() throws {
        let up = #"[{"updateMany": "orders", "filter": {}, "update": [{"$set": {"n": {"$concat": ["$n", "x"]}}}]}]"#
        let suite = try verify(try migration(text(up: up, down: Self.addFlagDown, changes: Self.addFlagChanges), in: folder))
        XCTAssertEqual(suite.tests.map(\.outcome.word), ["failed", "skipped", "skipped", "skipped", "skipped", "skipped"])
        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.hasPrefix("failed: up[0]: updateMany orders: ") ?? false, "\(suite.checkOutcomes)")
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "skipped: not run: up did not succeed")
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testTheListingShowsTwentyDifferencesAndCountsTheRest() throws {
        let documents = (1...30).map { #"{"_id": \#($0), "note": "keep"}"# }.joined(separator: ", ")
        let up = #"[{"updateMany": "items", "filter": {}, "update": {"$unset": {"note": ""}}}]"#
        let down = #"[{"updateMany": "items", "filter": {}, "update": {"$set": {"note": "keep"}}}]"#
        let suite = try verify(try migration(
            text(up: up, down: down, changes: #"{"items": {"adds": ["flag"]}}"#, fixtures: #"{"items": [\#(documents)]}"#), in: folder))
        let lines = suite.failureText(of: Checks.fields).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, #"up changed what "changes" does not declare: 30 differences in 30 documents; the first: items 1: note: removed (was "keep" (string))"#)
        XCTAssertEqual(lines.count, 1 + 20 + 1)
        XCTAssertEqual(lines[20], #"items 20: note: removed (was "keep" (string))"#)
        XCTAssertEqual(lines.last, "… and 10 more differences not listed")
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
    }

    func testAMigrationWithoutFixturesHasNothingToVerifyOn() throws {
        let text = #"{"preflight": 1, "migration": "m", "database": "shop", "changes": {}, "up": [{"find": "orders"}], "down": [{"find": "orders"}]}"#
        let suite = try verify(try migration(text, in: folder))
        XCTAssertEqual(suite.tests.map(\.outcome.word), Array(repeating: "errored", count: 6))
        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.contains("the migration has no fixtures to verify it on") ?? false, "\(suite.checkOutcomes)")
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testKeepDatabasesKeepsTheSandboxAndItsSnapshots() throws {
        let suite = try verify(
            try migration(text(up: Self.addFlagUp, down: Self.addFlagDown, changes: Self.addFlagChanges), in: folder), keepDatabases: true)
        let kept = try runDatabasesOnServer()
        defer { for name in kept { try? withClient { try $0.dropDatabase(name) } } }
        XCTAssertEqual(kept.count, 2, "\(kept)")
        XCTAssertTrue(suite.systemOut.contains("kept (--keep-databases)"))
        let snapshots = try withClient { try $0.runCommand(["listCollections": 1, "nameOnly": true], on: kept.sorted()[1]) }
        let names = snapshots["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.compactMap { $0.documentValue?["name"]?.stringValue }.sorted()
        XCTAssertEqual(names, [
            "customers__preflight_snapshot_0", "customers__preflight_snapshot_1", "orders__preflight_snapshot_0", "orders__preflight_snapshot_1",
        ])
    }

    /// `_id`s of every type the server sorts, walked side by side without a hitch, and a
    /// difference on a document named by its non-string `_id`.
    func testIDsOfEveryTypeAreWalkedInTheServersOrder() throws {
        let ids = [
            "null", "1", "2.5", #"{"$numberLong": "3"}"#, #"{"$numberDecimal": "1.75"}"#, #""B""#, #""a""#, #""\u00e9""#, #""e\u0301""#,
            #"{"k": 1}"#, #"{"$oid": "6b063d18b7cbb31994deeda7"}"#, "true", #"{"$date": "2026-01-01T00:00:00Z"}"#, #"{"$minKey": 1}"#,
        ]
        let documents = ids.map { #"{"_id": \#($0), "note": "keep"}"# }.joined(separator: ", ")
        let fixtures = #"{"items": [\#(documents)]}"#
        let passing = try verify(try migration(
            text(up: #"[{"updateMany": "items", "filter": {}, "update": {"$set": {"flag": 1}}}]"#,
                 down: #"[{"updateMany": "items", "filter": {}, "update": {"$unset": {"flag": ""}}}]"#,
                 changes: #"{"items": {"adds": ["flag"]}}"#, fixtures: fixtures), in: folder))
        XCTAssertEqual(passing.tests.map(\.outcome.word), ["passed", "passed", "passed", "skipped", "passed", "passed"], "\(passing.checkOutcomes)")
        let failing = try verify(try migration(
            text(up: #"[{"updateOne": "items", "filter": {"_id": {"k": 1}}, "update": {"$unset": {"note": ""}}}]"#,
                 down: #"[{"updateOne": "items", "filter": {"_id": {"k": 1}}, "update": {"$set": {"note": "keep"}}}]"#,
                 changes: "{}", fixtures: fixtures), in: try ScenarioFolder()))
        XCTAssertEqual(
            failing.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 1 difference in 1 document; the first: items {"k":1}: note: removed (was "keep" (string))"#)
        XCTAssertEqual(failing.checkOutcomes[Checks.down], "passed")
    }

    /// `up` and `down` are scenario steps: a saved find walked with `forEach`, a
    /// transaction, variables from `vars`.
    func testUpAndDownRunScenarioControlSteps() throws {
        let up = """
            [{"find": "orders", "filter": {"flag": {"$exists": false}}, "sort": {"_id": 1}, "save": "legacy"},
             {"forEach": "legacy", "as": "order", "steps": [
               {"transaction": [
                 {"updateOne": "orders", "filter": {"_id": {"$$var": "order._id"}}, "update": {"$set": {"flag": {"$$var": "initial"}}},
                  "expect": {"modifiedCount": 1}}]}]}]
            """
        let text = self.text(up: up, down: Self.addFlagDown, changes: Self.addFlagChanges)
            .replacingOccurrences(of: #""database": "shop","#, with: #""database": "shop", "vars": {"initial": false},"#)
        let suite = try verify(try migration(text, in: folder))
        XCTAssertEqual(suite.tests.map(\.outcome.word), ["passed", "passed", "passed", "skipped", "passed", "passed"], "\(suite.checkOutcomes)")
        XCTAssertEqual(suite.tests[0].steps.map(\.title), ["up[0]: find orders", "up[1]: forEach legacy"])
    }
}
