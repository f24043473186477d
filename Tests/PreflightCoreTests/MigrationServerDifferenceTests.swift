import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Where SecantusDB differs from mongod in what migration verification relies on. Each
/// test pins SecantusDB's behaviour and says mongod's; when one fails, SecantusDB has
/// changed and the workaround it names can be looked at again.
final class MigrationServerDifferenceTests: ScratchServerTestCase {
    /// mongod sorts by bytes with `{locale: "simple"}` ([B, a]); SecantusDB as a language.
    /// `CollectionComparison` asks for the simple collation only where a collection has a
    /// default collation of its own.
    func testTheSimpleCollationSortsAsALanguage() throws {
        let sorted = try withClient { client -> [String] in
            let names = client.collection("names", in: database)
            _ = try names.insertMany([["_id": "a"], ["_id": "B"]])
            return try names.find([:], options: ["sort": ["_id": 1], "collation": ["locale": "simple"]]).compactMap { $0["_id"]?.stringValue }
        }
        XCTAssertEqual(sorted, ["a", "B"])
        let plain = try withClient { try $0.collection("names", in: database).find([:], options: ["sort": ["_id": 1]]) }
        XCTAssertEqual(plain.compactMap { $0["_id"]?.stringValue }, ["B", "a"], "without a collation both sort by bytes")
    }

    /// mongod keeps the indexes of a collection `$out` replaces; SecantusDB drops them.
    /// `Snapshot.restore` therefore empties and refills a collection rather than `$out` onto it.
    func testOutOntoAnExistingCollectionDropsItsIndexes() throws {
        let indexes = try withClient { client -> [String] in
            let target = client.collection("target", in: database)
            _ = try target.insertOne(["_id": 1])
            _ = try target.createIndex(["z": 1])
            _ = try client.collection("source", in: database).insertOne(["_id": 2])
            _ = try client.collection("source", in: database).aggregate([["$match": [:]], ["$out": "target"]])
            return try target.listIndexes().compactMap { $0["name"]?.stringValue }
        }
        XCTAssertEqual(indexes, ["_id_"], "mongod keeps z_1")
    }

    /// mongod creates the target of a `$out` that outputs nothing; SecantusDB does not. A
    /// snapshot of an empty collection is read as empty either way.
    func testOutOfNoDocumentsCreatesNoCollection() throws {
        let names = try withClient { client -> [String] in
            _ = try client.collection("empty", in: database).insertOne(["_id": 1])
            _ = try client.collection("empty", in: database).deleteMany(filter: [:])
            _ = try client.collection("empty", in: database).aggregate([["$match": [:]], ["$out": "copy"]])
            let reply = try client.runCommand(["listCollections": 1, "nameOnly": true], on: database)
            return (reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []).compactMap { $0.documentValue?["name"]?.stringValue }
        }
        XCTAssertEqual(names, ["empty"], "mongod also lists copy")
    }
}
