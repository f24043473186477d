import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `--sample-from` and `--copy-from`: documents drawn from a second database on the
/// scratch server into the sandbox, the source only read — its documents unchanged,
/// nothing created there, no command sent but find, aggregate, their getMores, and
/// listCollections and listIndexes for the collections' options and indexes.
final class MigrationSourceTests: ScratchServerTestCase {
    static let readCommands: Set<String> = ["find", "aggregate", "getMore", "killCursors", "listCollections", "listIndexes"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        // The source: 2,500 orders (more than two batches) and a collection `changes` does not name.
        try withClient { client in
            let orders = client.collection("orders", in: database)
            for start in stride(from: 1, through: 2_500, by: 500) {
                _ = try orders.insertMany((start..<start + 500).map { ["_id": .int32(Int32($0)), "n": .int64(Int64($0)), "note": "keep"] })
            }
            _ = try client.collection("audit", in: database).insertOne(["_id": "a-1"])
        }
    }

    /// `database` is the migration's own, or named by `--source-database`.
    private func migrationText(database: String) -> String {
        """
        {"preflight": 1, "migration": "add a flag", "database": "\(database)",
         "fixtures": {"orders": {"documents": [], "indexes": [{"key": {"n": 1}, "unique": true}]},
                      "customers": [{"_id": "c-1"}]},
         "changes": {"orders": {"adds": ["flag"]}},
         "up": [{"updateMany": "orders", "filter": {"flag": {"$exists": false}}, "update": {"$set": {"flag": false}}}],
         "down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"flag": ""}}}]}
        """
    }

    /// Every document of the source, in `_id` order, as canonical Extended JSON.
    private func sourceContents() throws -> [String] {
        try withClient { client in
            var lines: [String] = []
            for name in ["audit", "orders"] {
                lines += try client.collection(name, in: database).find([:], options: ["sort": ["_id": 1]]).map { BSON.document($0).extendedJSON(.canonical) }
            }
            let reply = try client.runCommand(["listCollections": 1, "nameOnly": true], on: database)
            lines += (reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []).compactMap { $0.documentValue?["name"]?.stringValue }.sorted()
            lines += try client.collection("orders", in: database).listIndexes().map { BSON.document($0).extendedJSON(.canonical) }
            return lines
        }
    }

    func testSampleFromDrawsDocumentsIntoTheSandboxAndOnlyReadsTheSource() throws {
        let before = try sourceContents()
        let databasesBefore = try withClient { try $0.databaseNames() }
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: database)
        defer { reader.close() }
        let migration = try migration(migrationText(database: "earlybird"), in: folder)
        let suite = try verify(migration, source: .sample(reader, size: 10), keepDatabases: true)
        let kept = try runDatabasesOnServer().sorted()
        // The registry holds the kept sandboxes' records (Preflight's own database).
        defer { for name in kept + [SandboxRegistry.database] { try? withClient { try $0.dropDatabase(name) } } }

        XCTAssertEqual(suite.tests.map(\.outcome.word), ["passed", "passed", "passed", "skipped", "passed", "passed"], "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.systemOut.contains("data: 10 drawn at random from each of orders in \(database) on "), suite.systemOut)
        XCTAssertTrue(suite.systemOut.contains("(orders 10); customers from the fixtures"), suite.systemOut)
        XCTAssertTrue(suite.systemOut.contains("before up: customers 1, orders 10 documents"), suite.systemOut)
        XCTAssertEqual(suite.properties.first { $0.name == "migration.sample" }?.value, "10")
        // The sandbox's orders are ten distinct source documents, with the fixture's index.
        let sandbox = try XCTUnwrap(kept.first)
        let sampled = try withClient { try $0.collection("orders", in: sandbox).find() }
        XCTAssertEqual(Set(sampled.compactMap { $0["_id"]?.int32Value }).count, 10)
        XCTAssertTrue(sampled.allSatisfy { ($0["n"]?.int64Value).map { (1...2_500).contains($0) } ?? false })
        let indexes = try withClient { try $0.collection("orders", in: sandbox).listIndexes() }.compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(indexes.sorted(), ["_id_", "n_1"])

        XCTAssertEqual(try sourceContents(), before, "the source changed")
        XCTAssertEqual(
            Set(try withClient { try $0.databaseNames() }).subtracting(kept + [SandboxRegistry.database]), Set(databasesBefore), "a database appeared")
        XCTAssertTrue(Set(reader.commandsSent.keys).isSubset(of: Self.readCommands), "\(reader.commandsSent)")
        XCTAssertEqual(reader.commandsSent["aggregate"], 1)
    }

    func testASampleLargerThanTheCollectionTakesEachDocumentOnce() throws {
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let suite = try verify(try migration(migrationText(database: database), in: folder), source: .sample(reader, size: 5_000))
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed")
        XCTAssertTrue(suite.systemOut.contains("(orders 2500)"), suite.systemOut)
    }

    /// The copy is shaped as the source is: its unique index refuses in the sandbox what
    /// it refuses there; its validator is applied after the documents written before it
    /// are in; a TTL index comes without its expiry (documents must not vanish mid-check);
    /// a fixture index under a name the source uses stands aside; an index this server
    /// cannot build (text, on SecantusDB) is left out and said.
    func testTheCopyHasTheSourcesIndexesAndValidator() throws {
        try withClient { client in
            let tickets = client.collection("tickets", in: database)
            _ = try tickets.insertMany([["_id": 1, "at": .datetime(0)], ["_id": 2, "at": .datetime(0)]])
            _ = try tickets.createIndex(["seat": 1], options: ["unique": true, "partialFilterExpression": ["seat": ["$exists": true]]])
            _ = try tickets.createIndex(["at": 1], options: ["expireAfterSeconds": 3600])
            // Added after the two tickets, which lack a seat: they stay as they were written.
            _ = try client.runCommand(["collMod": "tickets", "validator": ["$jsonSchema": ["required": ["seat"]]]], on: database)
        }
        defer { try? withClient { _ = try $0.runCommand(["drop": "tickets"], on: database) } }
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let text = """
            {"preflight": 1, "migration": "seat everyone", "database": "\(database)",
             "fixtures": {"tickets": {"documents": [], "indexes": [{"key": {"code": 1}, "name": "seat_1"}, {"key": {"note": "text"}}]}},
             "changes": {"tickets": {"adds": ["seat"]}},
             "up": [{"updateMany": "tickets", "filter": {"seat": {"$exists": false}}, "update": {"$set": {"seat": "A1"}}}],
             "down": [{"updateMany": "tickets", "filter": {"seat": "A1"}, "update": {"$unset": {"seat": ""}}}]}
            """
        let suite = try verify(try migration(text, in: folder), source: .copy(reader), keepDatabases: true)
        let kept = try runDatabasesOnServer().sorted()
        defer { for name in kept + [SandboxRegistry.database] { try? withClient { try $0.dropDatabase(name) } } }

        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.contains("E11000") ?? false, "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.systemOut.contains(#"the index {"note":"text"} on tickets could not be built on this server"#), suite.systemOut)
        XCTAssertFalse(suite.systemOut.contains("seat_1"), "the fixture's seat_1 is not even tried: \(suite.systemOut)")
        let sandbox = try XCTUnwrap(kept.first)
        let indexes = try withClient { try $0.collection("tickets", in: sandbox).listIndexes() }
        let byName = Dictionary(indexes.compactMap { index in index["name"]?.stringValue.map { ($0, index) } }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(Set(byName.keys), ["_id_", "seat_1", "at_1"], "\(indexes)")
        XCTAssertEqual(byName["seat_1"]?["unique"]?.boolValue, true)
        XCTAssertEqual(byName["seat_1"]?["key"]?.documentValue?.keys, ["seat"], "the source's seat_1 stands")
        XCTAssertNil(byName["at_1"]?["expireAfterSeconds"], "\(indexes)")
        let listed = try withClient { try $0.runCommand(["listCollections": 1, "filter": ["name": "tickets"]], on: sandbox) }
        let options = listed["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.first?.documentValue?["options"]?.documentValue
        XCTAssertNotNil(options?["validator"], "\(listed)")
        XCTAssertTrue(Set(reader.commandsSent.keys).isSubset(of: Self.readCommands), "\(reader.commandsSent)")
    }

    /// A unique index the copy cannot have would let it accept what production refuses:
    /// the data does not load, and every check says why, rather than passing on a copy
    /// that is not shaped like production.
    func testAUniqueIndexTheServerCannotBuildStopsTheVerification() throws {
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let text = migrationText(database: database).replacingOccurrences(
            of: #""indexes": [{"key": {"n": 1}, "unique": true}]"#, with: #""indexes": [{"key": {"note": "text"}, "unique": true}]"#)
        XCTAssertNotEqual(text, migrationText(database: database))
        let suite = try verify(try migration(text, in: folder), source: .copy(reader))
        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.hasPrefix("errored: loading the data: ") ?? false, "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.contains(
            "the unique index {\"note\":\"text\"} on orders could not be built on this server, so the copy would accept what production refuses: ") ?? false,
            "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.checkOutcomes[Checks.up]?.contains("text indexes are not supported") ?? false, "\(suite.checkOutcomes)")
    }

    /// Documents written before the source's validator are kept through every snapshot
    /// restore, as production keeps them: a second up that changes data is judged, and
    /// down after it too, instead of both erring on the validator.
    func testDocumentsThatPredateTheValidatorSurviveEveryRestore() throws {
        try withClient { client in
            _ = try client.collection("tickets", in: database).insertMany([["_id": 1, "n": 1], ["_id": 2, "n": 2, "seat": "A2"]])
            _ = try client.runCommand(
                ["collMod": "tickets", "validator": ["$jsonSchema": ["required": ["seat"]]], "validationLevel": "moderate"], on: database)
        }
        defer { try? withClient { _ = try $0.runCommand(["drop": "tickets"], on: database) } }
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let text = """
            {"preflight": 1, "migration": "count up", "database": "\(database)", "changes": {"tickets": {"changes": ["n"]}},
             "up": [{"updateMany": "tickets", "filter": {}, "update": {"$inc": {"n": 1}}}],
             "down": [{"updateMany": "tickets", "filter": {}, "update": {"$inc": {"n": -1}}}]}
            """
        let suite = try verify(try migration(text, in: folder), source: .copy(reader))
        XCTAssertEqual(suite.checkOutcomes[Checks.up], "passed", "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.checkOutcomes[Checks.idempotent]?.hasPrefix("failed") ?? false, "\(suite.checkOutcomes)")
        XCTAssertEqual(suite.checkOutcomes[Checks.down], "passed", "\(suite.checkOutcomes)")
    }

    /// A view is copied as the documents it shows, as before shapes were read: made a view
    /// in the sandbox, it would show the sandbox's data instead.
    func testAViewHasNoShapeToCopy() throws {
        try withClient { client in
            _ = try client.runCommand(["create": "open_orders", "viewOn": "orders", "pipeline": [["$match": ["n": ["$lt": 10]]]]], on: database)
            XCTAssertNil(try CollectionShape.read("open_orders", in: database, client: client))
            XCTAssertNotNil(try CollectionShape.read("orders", in: database, client: client))
        }
    }

    func testCopyFromStreamsWholeCollectionsInBatchesAndOnlyReadsTheSource() throws {
        let before = try sourceContents()
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let suite = try verify(try migration(migrationText(database: database), in: folder), source: .copy(reader))
        XCTAssertEqual(suite.tests.map(\.outcome.word), ["passed", "passed", "passed", "skipped", "passed", "passed"], "\(suite.checkOutcomes)")
        XCTAssertTrue(suite.systemOut.contains("data: every document of orders in \(database) on "), suite.systemOut)
        XCTAssertTrue(suite.systemOut.contains("before up: customers 1, orders 2500 documents"), suite.systemOut)
        XCTAssertTrue(suite.tests[2].output.contains("orders: 5000 documents compared (before and after)"), suite.tests[2].output)
        XCTAssertEqual(try sourceContents(), before, "the source changed")
        XCTAssertTrue(Set(reader.commandsSent.keys).isSubset(of: Self.readCommands), "\(reader.commandsSent)")
        XCTAssertEqual(reader.commandsSent["find"], 1)
        XCTAssertGreaterThanOrEqual(reader.commandsSent["getMore"] ?? 0, 2, "2,500 documents in batches of 1,000")
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    /// A fault the fixtures would not show: real documents whose `note` up drops.
    func testCopiedDocumentsCatchAFaultAndNameTheDocument() throws {
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: nil)
        defer { reader.close() }
        let text = migrationText(database: database).replacingOccurrences(
            of: #"{"$set": {"flag": false}}"#, with: #"{"$set": {"flag": false}, "$unset": {"note": ""}}"#)
        let suite = try verify(try migration(text, in: folder), source: .copy(reader))
        XCTAssertEqual(
            suite.checkOutcomes[Checks.fields],
            #"failed: up changed what "changes" does not declare: 2500 differences in 2500 documents; the first: orders 1: note: removed (was "keep" (string))"#)
        XCTAssertTrue(suite.failureText(of: Checks.fields).hasSuffix("… and 2480 more differences not listed"))
    }

    /// A source database with no such documents (a mistyped --source-database) verifies
    /// nothing, and says so rather than pass.
    func testASourceWithNoDocumentsIsAnError() throws {
        let reader = try SourceReader(uri: try XCTUnwrap(Self.server).uri, databaseOverride: database + "_typo")
        defer { reader.close() }
        let suite = try verify(try migration(migrationText(database: database), in: folder), source: .copy(reader))
        XCTAssertEqual(suite.tests.map(\.outcome.word), Array(repeating: "errored", count: 6))
        XCTAssertTrue(
            suite.checkOutcomes[Checks.up]?.hasPrefix(
                "errored: loading the data: there is nothing to verify the migration on: \(database)_typo on mongodb://127.0.0.1:") ?? false,
            "\(suite.checkOutcomes)")
        XCTAssertFalse(try withClient { try $0.databaseNames() }.contains(database + "_typo"), "the source was written to")
    }
}
