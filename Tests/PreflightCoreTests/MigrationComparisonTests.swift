import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Document comparison and `_id` order, offline: what counts as a change, what the
/// declared paths allow, and the order the merge join walks in.
final class MigrationComparisonTests: XCTestCase {
    private func differences(_ before: BSONDocument, _ after: BSONDocument, declared: DeclaredChanges? = nil) -> [String] {
        DocumentComparison(allowance: declared?.allowance).differences(before, after).map(\.description)
    }

    func testValuesCompareAsStoredBytesTypeIncluded() {
        XCTAssertEqual(differences(["n": .int32(1)], ["n": .int64(1)]), ["n: changed from 1 (int) to 1 (long)"])
        XCTAssertEqual(differences(["n": .int32(1)], ["n": .double(1)]), ["n: changed from 1 (int) to 1.0 (double)"])
        XCTAssertEqual(differences(["z": .double(0)], ["z": .double(-0.0)]), ["z: changed from 0.0 (double) to -0.0 (double)"])
        XCTAssertEqual(
            differences(["m": "2026-01"], ["m": .datetime(1_767_225_600_000)]),
            [#"m: changed from "2026-01" (string) to 2026-01-01T00:00:00Z (date)"#])
        // The same text to Swift's ==, not the same bytes.
        XCTAssertEqual(differences(["city": "Caf\u{E9}"], ["city": "Cafe\u{301}"]).count, 1)
        XCTAssertEqual(differences(["d": .decimal128(Decimal128("100.50")!)], ["d": .decimal128(Decimal128("100.5")!)]).count, 1)
        XCTAssertEqual(differences(["a": 1, "b": ["x": 1]], ["a": 1, "b": ["x": 1]]), [])
    }

    func testAddedRemovedNestedAndKeyOrderAreNamedByPath() {
        let before: BSONDocument = ["_id": 1, "addr": ["street": "a", "city": "b"], "items": [["sku": "x", "qty": 1]], "note": "n"]
        let after: BSONDocument = ["_id": 1, "addr": ["city": "b", "street": "a"], "items": [["sku": "x", "qty": .int64(1)]], "extra": true]
        XCTAssertEqual(differences(before, after), [
            "addr: key order changed from [street, city] to [city, street]",
            "items.0.qty: changed from 1 (int) to 1 (long)",
            #"note: removed (was "n" (string))"#,
            "extra: added: true (bool)",
        ])
        XCTAssertEqual(differences(["_id": 1, "a": 1, "b": 2], ["_id": 1, "b": 2, "a": 1]), ["key order changed from [_id, a, b] to [_id, b, a]"])
        XCTAssertEqual(differences(["t": ["a"]], ["t": ["a", "a"]]), [#"t: changed from ["a"] (array) to ["a","a"] (array)"#])
    }

    func testDeclaredFieldsMayChangeOnlyAsDeclared() {
        let declared = DeclaredChanges(collection: "orders", adds: ["billed", "flag"], changes: ["billed", "addr.city"])
        let before: BSONDocument = ["_id": 1, "billed": "false", "flag": 1, "addr": ["street": "a", "city": "b"], "note": "n"]
        // billed changed (declared), addr.city changed (declared), new field `billed_at`
        // added (not declared), flag removed (declared in adds only).
        let after: BSONDocument = ["_id": 1, "billed": false, "addr": ["street": "a", "city": "c"], "note": "n", "billed_at": .null]
        XCTAssertEqual(differences(before, after, declared: declared), [
            #"flag: removed (was 1 (int)); "changes" declares flag in "adds" only"#,
            "billed_at: added: null",
        ])
        // Declared fields appended at the end do not count as reordering the rest.
        XCTAssertEqual(differences(["_id": 1, "a": 1], ["_id": 1, "flag": true, "a": 1], declared: declared), [])
        XCTAssertEqual(
            differences(["addr": ["street": "a", "city": "b"]], ["addr": ["street": "z", "city": "b"]], declared: declared),
            [#"addr.street: changed from "a" (string) to "z" (string)"#])
    }

    func testAPathThroughAnArrayAppliesToEveryElement() {
        let declared = DeclaredChanges(collection: "orders", changes: ["items.price"])
        let before: BSONDocument = ["items": [["sku": "x", "price": 1], ["sku": "y", "price": 2]]]
        XCTAssertEqual(
            differences(before, ["items": [["sku": "x", "price": 1.5], ["sku": "y", "price": .decimal128(Decimal128("2")!)]]], declared: declared), [])
        XCTAssertEqual(
            differences(before, ["items": [["sku": "x", "price": 1], ["sku": "z", "price": 2]]], declared: declared),
            [#"items.1.sku: changed from "y" (string) to "z" (string)"#])
        XCTAssertEqual(
            differences(before, ["items": [["sku": "x", "price": 1]]], declared: declared).map { String($0.prefix(28)) },
            ["items: changed from [{\"sku\":"])
    }

    func testSecretsAreNotShownInDifferences() {
        XCTAssertEqual(differences(["password": "hunter2"], ["password": "hunter3"]), ["password: changed from <redacted> to <redacted>"])
        XCTAssertEqual(differences(["user": ["token": "a"]], ["user": ["token": "b"]]), ["user.token: changed from <redacted> to <redacted>"])
    }

    /// The order SecantusDB and mongod sort these `_id`s in (MongoDB's type order, numbers
    /// by value across widths, strings by UTF-8 bytes), shuffled and sorted again here.
    func testIDsSortAsTheServerSortsThem() throws {
        let oid = try XCTUnwrap(ObjectID(hex: "6b063d18b7cbb31994deeda7"))
        let sorted: [BSON] = [
            .minKey, .null, .double(-.infinity), -1, 1, .decimal128(try XCTUnwrap(Decimal128("1.75"))), .int64(2), 2.5, .int64(1_000_000_000_000),
            "B", "a", "e\u{301}", "\u{E9}", ["a": 2], ["k": 1], ["k": 1, "z": 0], .binary(BSONBinary(subtype: 0, bytes: [9])), .objectID(oid), false, true,
            .datetime(0), .timestamp(seconds: 1, increment: 0), .maxKey,
        ]
        for _ in 0..<20 {
            let resorted = sorted.shuffled().sorted { BSONOrder.compare($0, $1) < 0 }
            XCTAssertEqual(resorted.map { $0.extendedJSON(.canonical) }, sorted.map { $0.extendedJSON(.canonical) })
        }
        XCTAssertEqual(BSONOrder.compare(.int32(2), .double(2)), 0)
        XCTAssertEqual(BSONOrder.compare(.int64(Int64.max), .double(9.3e18)), -1)
        XCTAssertEqual(BSONOrder.compare(.double(.nan), .int32(Int32.min)), -1)
    }

    func testTheListingKeepsTwentyLinesAndCountsTheRest() {
        var list = DifferenceList(phase: "after up")
        for number in 1...45 { list.add(.missing(id: .int32(Int32(number))), in: "orders") }
        let problem = list.problem("up lost documents")
        XCTAssertEqual(problem.message, "up lost documents: 45 differences in 45 documents; the first: orders 1: missing after up")
        let lines = problem.details.split(separator: "\n")
        XCTAssertEqual(lines.count, 21)
        XCTAssertEqual(lines[19], "orders 20: missing after up")
        XCTAssertEqual(lines[20], "… and 25 more differences not listed")
    }
}
