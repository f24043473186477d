import CMongoC
import XCTest

@testable import Mongo

/// A lent client's collection handles: made once per name, and told apart by the bytes of
/// the names, as MongoDB tells collections apart (making a handle opens no connection).
final class CollectionHandlesTests: XCTestCase {
    func testOneHandlePerNameAndNamesThatSwiftDeemsEqualAreTwoCollections() throws {
        let client = try XCTUnwrap(mongoc_client_new("mongodb://127.0.0.1:1/"))
        defer { mongoc_client_destroy(client) }
        let handles = CollectionHandles(client: client)
        defer { handles.destroyAll() }

        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        XCTAssertEqual(composed, decomposed, "Swift compares strings by canonical equivalence")
        let first = try XCTUnwrap(handles.handle(database: "db", name: composed))
        XCTAssertEqual(handles.handle(database: "db", name: composed), first, "made once per name")
        let second = try XCTUnwrap(handles.handle(database: "db", name: decomposed))
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(Array(String(cString: mongoc_collection_get_name(first)).utf8), Array(composed.utf8))
        XCTAssertEqual(Array(String(cString: mongoc_collection_get_name(second)).utf8), Array(decomposed.utf8))
        // The database is part of the name: `a`.`bc` is not `ab`.`c`.
        XCTAssertNotEqual(handles.handle(database: "a", name: "bc"), handles.handle(database: "ab", name: "c"))
    }
}
