import Foundation
import XCTest

@testable import PreflightCore

/// `expectError` on a `run` step: the procedure must fail, matched as an operation's error.
final class RunExpectErrorTests: ScratchServerTestCase {
    func testAProceduresFailureIsMatchedLikeAnOperations() throws {
        let file = try folder.write("run.json", #"""
            {"preflight": 1, "name": "run expects an error", "database": "shop",
             "procedures": {"reserve": {"params": ["id"], "steps": [
               {"insertOne": "reservations", "document": {"_id": {"$$var": "id"}}},
               {"updateOne": "stock", "filter": {"_id": "sku-1"}, "update": {"$inc": {"left": -1}}}]}},
             "fixtures": {"reservations": [{"_id": "r-1"}], "stock": [{"_id": "sku-1", "left": 5}]},
             "tests": [
               {"name": "the duplicate fails as expected", "steps": [
                 {"run": "reserve", "with": {"id": "r-1"}, "expectError": {"codeName": "DuplicateKey"}}],
                "expectCollections": {"stock": [{"_id": "sku-1", "left": 5}]}},
               {"name": "the wrong error", "steps": [{"run": "reserve", "with": {"id": "r-1"}, "expectError": {"codeName": "WriteConflict"}}]},
               {"name": "no error at all", "steps": [{"run": "reserve", "with": {"id": "r-2"}, "expectError": {}}]}
             ]}
            """#)
        let suite = try runFile(file)
        assertPassed(suite.tests[0])
        let wrong = try XCTUnwrap(problem(suite.tests[1]))
        XCTAssertEqual(wrong.type, "expectedError")
        XCTAssertTrue(wrong.message.contains("procedures.reserve.steps[0]: insertOne reservations: expected error WriteConflict, got DuplicateKey"), wrong.message)
        let none = try XCTUnwrap(problem(suite.tests[2]))
        XCTAssertEqual(none.message, "tests[2].steps[0]: run reserve: expected the procedure to fail, but every step of it succeeded")
    }
}
