import Foundation
import XCTest

@testable import PreflightCore

/// The CRUD specification's arguments on a real scratch server: each one reaches the
/// server (seen in the command log) and changes what it should; a failed write's partial
/// result; the exact form of `expectCollections`.
final class CRUDArgumentTests: ScratchServerTestCase {
    static let fixtures = #"""
        "fixtures": {"items": [
          {"_id": 1, "sku": "abc", "qty": 5, "tags": [{"k": "a", "n": 1}, {"k": "b", "n": 2}]},
          {"_id": 2, "sku": "ABD", "qty": 1, "tags": []},
          {"_id": 3, "sku": "xyz", "qty": 9, "tags": []}]}
        """#

    private func run(_ tests: String) throws -> SuiteResult {
        let file = try folder.write("crud.json", #"{"preflight": 1, "name": "crud", "database": "crud", "# + Self.fixtures + #", "tests": ["# + tests + "]}")
        return try runFile(file)
    }

    func testEachArgumentReachesTheServerAndDoesWhatItSays() throws {
        let suite = try run(#"""
            {"name": "comment", "steps": [
              {"insertOne": "items", "document": {"_id": 10}, "comment": "c-insert"},
              {"find": "items", "filter": {"_id": 10}, "comment": {"why": "c-find"}, "expect": [{"_id": 10}]},
              {"updateMany": "items", "filter": {}, "update": {"$set": {"seen": true}}, "comment": "c-update"},
              {"deleteOne": "items", "filter": {"_id": 10}, "comment": "c-delete"},
              {"aggregate": "items", "pipeline": [{"$count": "n"}], "comment": "c-aggregate"},
              {"count": "items", "filter": {}, "comment": "c-count", "expect": 3},
              {"distinct": "items", "key": "sku", "comment": "c-distinct"},
              {"findOneAndUpdate": "items", "filter": {"_id": 1}, "update": {"$set": {"x": 1}}, "comment": "c-fam"},
              {"bulkWrite": "items", "requests": [{"insertOne": {"document": {"_id": 11}}}], "comment": "c-bulk"}]},
            {"name": "a hint on a missing index fails", "steps": [
              {"find": "items", "filter": {}, "hint": "no_such_index", "expectError": {}},
              {"find": "items", "filter": {}, "hint": {"_id": 1}, "expect": [{"_id": 1}, {"_id": 2}, {"_id": 3}]}]},
            {"name": "a collation changes matching", "steps": [
              {"find": "items", "filter": {"sku": "ABC"}, "expect": []},
              {"find": "items", "filter": {"sku": "ABC"}, "collation": {"locale": "en", "strength": 2}, "expect": [{"_id": 1}]},
              {"findOneAndDelete": "items", "filter": {"sku": "abd"}, "collation": {"locale": "en", "strength": 2}, "expect": {"_id": 2}}]},
            {"name": "let variables resolve", "steps": [
              {"find": "items", "filter": {"$expr": {"$eq": ["$sku", "$$target"]}}, "let": {"target": "xyz"}, "expect": [{"_id": 3}]},
              {"bulkWrite": "items", "requests": [{"updateOne": {"filter": {"$expr": {"$eq": ["$_id", "$$id"]}}, "update": {"$set": {"x": 1}}}}],
               "let": {"id": 1}, "expect": {"matchedCount": 1}}]},
            {"name": "estimatedDocumentCount", "steps": [{"estimatedDocumentCount": "items", "comment": "c-estimate", "maxTimeMS": 5000, "expect": 3}]},
            {"name": "sort chooses the document updateOne changes", "steps": [
              {"updateOne": "items", "filter": {}, "sort": {"qty": -1}, "update": {"$set": {"top": true}}, "expect": {"matchedCount": 1, "modifiedCount": 1}},
              {"find": "items", "filter": {"top": true}, "projection": {"_id": 1}, "expect": [{"_id": 3}]}]},
            {"name": "arrayFilters on findOneAndUpdate", "steps": [
              {"findOneAndUpdate": "items", "filter": {"_id": 1}, "update": {"$set": {"tags.$[t].n": 9}}, "arrayFilters": [{"t.k": "b"}],
               "returnDocument": "after", "expect": {"tags": [{"k": "a", "n": 1}, {"k": "b", "n": 9}]}}]},
            {"name": "bypassDocumentValidation", "steps": [
              {"createCollection": "strict", "options": {"validator": {"qty": {"$gte": 0}}}},
              {"insertOne": "strict", "document": {"qty": -1}, "expectError": {}},
              {"insertOne": "strict", "document": {"qty": -1}, "bypassDocumentValidation": true},
              {"bulkWrite": "strict", "requests": [{"insertOne": {"document": {"qty": -2}}}], "bypassDocumentValidation": true},
              {"count": "strict", "filter": {}, "expect": 2}]},
            {"name": "allowDiskUse, batchSize and maxTimeMS on find", "steps": [
              {"find": "items", "filter": {}, "allowDiskUse": true, "batchSize": 2, "maxTimeMS": 5000, "sort": {"_id": 1},
               "expect": [{"_id": 1}, {"_id": 2}, {"_id": 3}]}]}
            """#)
        for test in suite.tests { assertPassed(test) }
        let log = suite.tests[0].output
        for comment in ["c-insert", "c-update", "c-delete", "c-aggregate", "c-count", "c-distinct", "c-fam", "c-bulk"] {
            XCTAssertTrue(log.contains(#""comment":"\#(comment)""#), "\(comment) not sent:\n\(log)")
        }
        XCTAssertTrue(log.contains(#""comment":{"why":"c-find"}"#), log)
        XCTAssertTrue(suite.tests[4].output.contains(#""comment":"c-estimate""#), suite.tests[4].output)
        XCTAssertTrue(suite.tests[5].output.contains(#""sort":{"qty":-1}"#), suite.tests[5].output)
        XCTAssertTrue(suite.tests[7].output.contains(#""bypassDocumentValidation":true"#), suite.tests[7].output)
        XCTAssertTrue(suite.tests[8].output.contains(#""allowDiskUse":true"#), suite.tests[8].output)
    }

    /// Arguments are sent in the order the step wrote them.
    func testArgumentsKeepTheirWrittenOrder() throws {
        let suite = try run(#"""
            {"name": "order", "steps": [{"find": "items", "filter": {}, "comment": "first", "limit": 1, "sort": {"_id": -1}, "expect": [{"_id": 3}]}]}
            """#)
        assertPassed(suite.tests[0])
        XCTAssertTrue(suite.tests[0].output.contains(#""comment":"first","limit":1,"sort":{"_id":-1}"#), suite.tests[0].output)
    }

    func testAFailedWritesPartialResultIsMatched() throws {
        let suite = try run(#"""
            {"name": "unordered insertMany past a duplicate key", "steps": [
              {"insertMany": "items", "documents": [{"_id": 20}, {"_id": 1}, {"_id": 21}], "ordered": false,
               "expectError": {"codeName": "DuplicateKey", "result": {"insertedCount": 2}}},
              {"count": "items", "filter": {}, "expect": 5}]},
            {"name": "the wrong count fails", "steps": [
              {"insertMany": "items", "documents": [{"_id": 20}, {"_id": 1}, {"_id": 21}], "ordered": false,
               "expectError": {"codeName": "DuplicateKey", "result": {"insertedCount": 3}}}]},
            {"name": "a bulk write's counts", "steps": [
              {"bulkWrite": "items", "ordered": true, "requests": [
                 {"updateOne": {"filter": {"_id": 1}, "update": {"$set": {"y": 1}}}},
                 {"insertOne": {"document": {"_id": 2}}},
                 {"insertOne": {"document": {"_id": 30}}}],
               "expectError": {"codeName": "DuplicateKey", "result": {"matchedCount": 1, "modifiedCount": 1, "insertedCount": 0}}}]}
            """#)
        assertPassed(suite.tests[0])
        let wrong = try XCTUnwrap(problem(suite.tests[1]))
        XCTAssertTrue(wrong.message.contains("what the write did before it failed does not match: result.insertedCount: expected 3, got 2"), wrong.message)
        assertPassed(suite.tests[2])
    }

    func testTheExactFormOfExpectCollectionsRefusesExtraFields() throws {
        let suite = try run(#"""
            {"name": "lenient", "steps": [{"deleteMany": "items", "filter": {"_id": {"$gt": 1}}}],
             "expectCollections": {"items": [{"_id": 1, "sku": "abc"}]}},
            {"name": "exact, with a field left out", "steps": [{"deleteMany": "items", "filter": {"_id": {"$gt": 1}}}],
             "expectCollections": {"items": {"exact": [{"_id": 1, "sku": "abc", "qty": 5}]}}},
            {"name": "exact, whole", "steps": [{"deleteMany": "items", "filter": {"_id": {"$gt": 1}}}],
             "expectCollections": {"items": {"exact": [{"_id": 1, "sku": "abc", "qty": 5, "tags": [{"k": "a", "n": 1}, {"k": "b", "n": 2}]}]}}}
            """#)
        assertPassed(suite.tests[0])
        let exact = try XCTUnwrap(problem(suite.tests[1]))
        XCTAssertTrue(exact.message.contains("items[0]"), exact.message)
        XCTAssertTrue(exact.message.contains("tags"), exact.message)
        assertPassed(suite.tests[2])
    }

    func testMisusedArgumentsAreValidationErrors() throws {
        let file = try folder.write("bad.json", #"""
            {"preflight": 1, "name": "bad",
             "tests": [{"name": "t", "steps": [
               {"find": "items", "filter": {}, "expectError": {"result": {"n": 1}}},
               {"find": "items", "filter": {}, "timeoutMS": 10, "maxTimeMS": 10},
               {"find": "items", "filter": {}, "hint": 3},
               {"insertOne": "items", "document": {}, "bypassDocumentValidation": "yes"},
               {"estimatedDocumentCount": "items", "filter": {}}
             ], "expectCollections": {"items": {"exactly": []}}}]}
            """#)
        let catalog = ScenarioCatalog.load([file], loader: ScenarioLoader())
        let messages = catalog.errors.map(\.description).joined(separator: "\n")
        for fragment in [
            "tests[0].steps[0].expectError.result: only a write that can fail part-way reports a result with its error",
            "tests[0].steps[1].maxTimeMS: `timeoutMS` is sent as maxTimeMS: give one of the two",
            "tests[0].steps[2].hint: expected an index name or an index key pattern",
            "tests[0].steps[3].bypassDocumentValidation: expected true or false",
            "tests[0].steps[4].filter: unknown key `filter` for `estimatedDocumentCount`",
            "tests[0].expectCollections.items: expected the collection's documents as an array (in _id order), or {\"exact\": [...]}",
        ] {
            XCTAssertTrue(messages.contains(fragment), "missing: \(fragment)\n\(messages)")
        }
    }
}
