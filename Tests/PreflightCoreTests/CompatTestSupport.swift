import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Orders written by three releases, for compat tests: four complete new orders (one of
/// each numeric type for `total`), legacy orders missing the fields, `billed` stored as the
/// string "false", as int 0 and as null, `billed_month` stored as a date and as "2026-1",
/// an `address` that is an array, and one legacy order without `created_at`.
enum CompatOrders {
    static let deployedAt: Int64 = 1_769_544_000_000  // 2026-01-27T20:00:00Z
    static let newOrder: Int64 = 1_769_590_800_000  // 2026-01-28T09:00:00Z
    static let legacyOrder: Int64 = 1_768_993_200_000  // 2026-01-21T11:00:00Z

    static func documents() throws -> [BSONDocument] {
        let total = try XCTUnwrap(Decimal128("100.50"))
        let new: BSON = .datetime(newOrder), old: BSON = .datetime(legacyOrder)
        return [
            ["_id": "o-01", "status": "delivered", "billed": false, "delivery_confirmed": true, "billed_at": .null,
             "billed_month": .null, "total": .int32(10), "address": ["city": "Lyon"], "created_at": new],
            ["_id": "o-02", "status": "delivered", "billed": true, "delivery_confirmed": true, "billed_at": new,
             "billed_month": "2026-01", "total": .int64(20), "address": [["city": "Nice"]], "created_at": new],
            ["_id": "o-03", "status": "pending", "billed": false, "billed_at": .null, "billed_month": .null, "total": .double(1.5),
             "created_at": new],
            ["_id": "o-04", "status": "pending", "billed": false, "total": .decimal128(total), "created_at": new],
            ["_id": "l-01", "status": "delivered", "created_at": old],
            ["_id": "l-02", "status": "delivered", "billed": "false", "total": .int32(5), "created_at": old],
            ["_id": "l-03", "status": "delivered", "billed": "false", "created_at": old],
            ["_id": "l-04", "status": "delivered", "billed": .int32(0), "created_at": old],
            ["_id": "l-05", "status": "delivered", "billed": true, "billed_month": old, "created_at": old],
            ["_id": "l-06", "status": "pending", "billed_month": "2026-1", "created_at": old],
            ["_id": "l-07", "status": "delivered", "total": "12"],
            ["_id": "l-08", "status": "cancelled", "billed": .null, "created_at": old],
        ]
    }

    static func seed(_ database: String, using client: MongoClient) throws {
        _ = try client.collection("orders", in: database).insertMany(try documents())
    }

    /// A spec over them: every kind of failure, a passing field, a capped sample list
    /// (`samples: 3`), a failing and a passing reachability rule.
    static let spec = #"""
        {
          "preflight": 1,
          "compat": "orders carry the Phase 0.7 billing fields",
          "collection": "orders",
          "fields": {
            "billed":       {"type": "bool", "default": false},
            "billed_month": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}$", "default": null},
            "billed_at":    {"type": ["date", "null"], "default": null},
            "total":        {"type": "number", "required": true},
            "address.city": {"type": "string"}
          },
          "reachability": [
            {"name": "every delivered, unbilled order is visible to the billing query",
             "population": {"status": "delivered", "billed": {"$ne": true}},
             "query": {"status": "delivered", "delivery_confirmed": true, "billed": {"$ne": true}}},
            {"name": "pending orders are visible to the pending list",
             "population": {"status": "pending"},
             "query": {"status": {"$in": ["pending", "on_hold"]}}}
          ],
          "samples": 3
        }
        """#

    /// The same spec, restricted to the orders written after the deployment.
    static var scopedSpec: String {
        spec.replacingOccurrences(
            of: #""collection": "orders","#,
            with: #""collection": "orders", "scope": {"created_at": {"$gte": {"$date": "2026-01-27T20:00:00Z"}}},"#)
    }

    /// A spec every order passes.
    static let passingSpec = #"""
        {"preflight": 1, "compat": "orders have a status", "collection": "orders", "database": "earlybird",
         "fields": {"status": {"type": "string", "required": true, "pattern": "^[a-z_]+$"},
                    "billed_at": {"type": ["date", "null"]}}}
        """#
}

extension ScratchServerTestCase {
    /// Every collection of `database` in `_id` order as canonical Extended JSON, with its
    /// indexes, and the server's database names: what a read-only command must leave as it was.
    func canonicalSnapshot(of database: String) throws -> String {
        var text = try withClient { try $0.databaseNames() }.sorted().joined(separator: ",") + "\n"
        for name in try collectionNames(in: database) {
            try withClient { client in
                let collection = client.collection(name, in: database)
                text += name + "\n"
                for document in try collection.find([:], options: ["sort": ["_id": 1]]) { text += document.extendedJSON(.canonical) + "\n" }
                for index in try collection.listIndexes() { text += index.extendedJSON(.canonical) + "\n" }
            }
        }
        return text
    }

    /// Writes `text` as a spec file in `folder`; returns its path.
    @discardableResult
    func writeSpec(_ text: String, in folder: ScenarioFolder, as name: String = "orders-compat.json") throws -> String {
        try folder.write(name, text)
    }
}
