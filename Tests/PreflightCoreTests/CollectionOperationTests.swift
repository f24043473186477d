import Mongo
import XCTest

/// Every operation of the README's “Scenario files” table, against a real scratch server.
final class CollectionOperationTests: ScratchServerTestCase {
    private func orders(_ client: MongoClient) -> MongoCollection {
        client.collection("orders", in: database)
    }

    func testInsertOneReportsTheIDItGeneratedAndTheStoredDocumentHasIt() throws {
        try withClient { client in
            let result = try orders(client).insertOne(["status": "pending"])
            guard case .objectID = result.insertedID else { return XCTFail("expected an ObjectId, got \(result.insertedID)") }
            let stored = try orders(client).find()
            XCTAssertEqual(stored, [["_id": result.insertedID, "status": "pending"]])
        }
    }

    func testInsertOneKeepsAGivenID() throws {
        try withClient { client in
            let result = try orders(client).insertOne(["_id": "o-1", "total": 100])
            XCTAssertEqual(result.insertedID, "o-1")
        }
    }

    func testInsertManyReportsIDsInOrder() throws {
        try withClient { client in
            let result = try orders(client).insertMany([["_id": 1], ["x": 2], ["_id": 3]])
            XCTAssertEqual(result.insertedCount, 3)
            XCTAssertEqual(result.insertedIDs.count, 3)
            XCTAssertEqual(result.insertedIDs[0], 1)
            XCTAssertEqual(result.insertedIDs[2], 3)
            XCTAssertEqual(try orders(client).countDocuments(), 3)
        }
    }

    func testDuplicateKeyIsAWriteErrorWithCodeNameFromTheTable() throws {
        try withClient { client in
            try orders(client).insertOne(["_id": 1])
            XCTAssertThrowsError(try orders(client).insertOne(["_id": 1])) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .write)
                XCTAssertEqual(error?.code, 11000)
                XCTAssertEqual(error?.codeName, "DuplicateKey")
                XCTAssertNotNil(error?.reply?["writeErrors"])
            }
        }
    }

    func testUpdateOneAndManyCountMatchesAndModifications() throws {
        try withClient { client in
            try orders(client).insertMany([
                ["_id": 1, "status": "delivered", "billed": false],
                ["_id": 2, "status": "delivered", "billed": false],
                ["_id": 3, "status": "pending", "billed": false],
            ])
            let one = try orders(client).updateOne(filter: ["status": "delivered"], update: ["$set": ["billed": true]])
            XCTAssertEqual(one.matchedCount, 1)
            XCTAssertEqual(one.modifiedCount, 1)
            let many = try orders(client).updateMany(filter: ["status": "delivered"], update: ["$set": ["billed": true]])
            XCTAssertEqual(many.matchedCount, 2)
            XCTAssertEqual(many.modifiedCount, 1, "one of the two was billed already")
            XCTAssertEqual(try orders(client).countDocuments(["billed": true]), 2)
        }
    }

    func testUpsertReportsTheNewID() throws {
        try withClient { client in
            let result = try orders(client).updateOne(
                filter: ["_id": "new"], update: ["$set": ["status": "pending"]], options: ["upsert": true])
            XCTAssertEqual(result.matchedCount, 0)
            XCTAssertEqual(result.upsertedCount, 1)
            XCTAssertEqual(result.upsertedID, "new")
        }
    }

    func testUpdateWithArrayFilters() throws {
        try withClient { client in
            try orders(client).insertOne(["_id": 1, "items": [["sku": "a", "qty": 1], ["sku": "b", "qty": 1]]])
            try orders(client).updateOne(
                filter: ["_id": 1], update: ["$inc": ["items.$[i].qty": 5]],
                options: ["arrayFilters": [["i.sku": "b"]]])
            let document = try XCTUnwrap(try orders(client).find(["_id": 1]).first)
            XCTAssertEqual(document["items"], [["sku": "a", "qty": 1], ["sku": "b", "qty": 6]])
        }
    }

    func testUpdateWithAPipeline() throws {
        try withClient { client in
            try orders(client).insertOne(["_id": 1, "price": 10, "qty": 3])
            try orders(client).updateOne(
                filter: ["_id": 1], update: [["$set": ["total": ["$multiply": ["$price", "$qty"]]]]])
            XCTAssertEqual(try orders(client).find(["_id": 1]).first?["total"]?.integerValue, 30)
        }
    }

    func testReplaceOneReplacesTheWholeDocument() throws {
        try withClient { client in
            try orders(client).insertOne(["_id": 1, "a": 1, "b": 2])
            let result = try orders(client).replaceOne(filter: ["_id": 1], replacement: ["c": 3])
            XCTAssertEqual(result.modifiedCount, 1)
            XCTAssertEqual(try orders(client).find(), [["_id": 1, "c": 3]])
        }
    }

    func testDeleteOneAndMany() throws {
        try withClient { client in
            try orders(client).insertMany([["_id": 1, "x": 1], ["_id": 2, "x": 1], ["_id": 3, "x": 1], ["_id": 4, "x": 2]])
            XCTAssertEqual(try orders(client).deleteOne(filter: ["x": 1]).deletedCount, 1)
            XCTAssertEqual(try orders(client).deleteMany(filter: ["x": 1]).deletedCount, 2)
            XCTAssertEqual(try orders(client).find(), [["_id": 4, "x": 2]])
        }
    }

    func testFindOneAndUpdateReturnsBeforeOrAfterInSortOrder() throws {
        try withClient { client in
            try orders(client).insertMany([["_id": 1, "n": 1], ["_id": 2, "n": 1]])
            let before = try orders(client).findOneAndUpdate(
                filter: ["n": 1], update: ["$set": ["n": 2]], sort: ["_id": -1])
            XCTAssertEqual(before, ["_id": 2, "n": 1])
            let after = try orders(client).findOneAndUpdate(
                filter: ["n": 1], update: ["$set": ["n": 3]], projection: ["_id": 1], returnDocument: .after)
            XCTAssertEqual(after, ["_id": 1])
            XCTAssertNil(try orders(client).findOneAndUpdate(filter: ["n": 99], update: ["$set": ["n": 0]]))
        }
    }

    func testFindOneAndReplaceAndDelete() throws {
        try withClient { client in
            try orders(client).insertMany([["_id": 1, "a": 1], ["_id": 2, "a": 2]])
            let replaced = try orders(client).findOneAndReplace(
                filter: ["_id": 1], replacement: ["b": 1], returnDocument: .after)
            XCTAssertEqual(replaced, ["_id": 1, "b": 1])
            let deleted = try orders(client).findOneAndDelete(filter: ["_id": 2])
            XCTAssertEqual(deleted, ["_id": 2, "a": 2])
            XCTAssertEqual(try orders(client).countDocuments(), 1)
        }
    }

    func testFindHonoursSortProjectionSkipAndLimit() throws {
        try withClient { client in
            try orders(client).insertMany((1...10).map { ["_id": .int32(Int32($0)), "v": .int32(Int32($0 * 10))] })
            let page = try orders(client).find(
                ["_id": ["$gt": 2]], options: ["sort": ["_id": -1], "projection": ["v": 1, "_id": 0], "skip": 1, "limit": 3])
            XCTAssertEqual(page, [["v": 90], ["v": 80], ["v": 70]])
        }
    }

    func testFindStreamsAcrossBatches() throws {
        try withClient { client in
            try orders(client).insertMany((0..<250).map { ["_id": .int32(Int32($0))] })
            var seen = 0
            try orders(client).withFind([:], options: ["batchSize": 7]) { cursor in
                while let _ = try cursor.next() { seen += 1 }
            }
            XCTAssertEqual(seen, 250)
            let getMores = Self.events.all.filter { $0.commandName == "getMore" }
            XCTAssertFalse(getMores.isEmpty, "a batch size of 7 over 250 documents needs getMore")
        }
    }

    func testAggregateReturnsRootDocumentsInOrder() throws {
        try withClient { client in
            try orders(client).insertMany([
                ["_id": 1, "month": "2026-01", "total": 100], ["_id": 2, "month": "2026-01", "total": 50],
                ["_id": 3, "month": "2026-02", "total": 10],
            ])
            let revenue = try orders(client).aggregate([
                ["$group": ["_id": "$month", "revenue": ["$sum": "$total"]]], ["$sort": ["_id": 1]],
            ], options: ["allowDiskUse": true])
            XCTAssertEqual(revenue.count, 2)
            XCTAssertEqual(revenue[0]["_id"], "2026-01")
            XCTAssertEqual(revenue[0]["revenue"]?.integerValue, 150)
            XCTAssertEqual(revenue[1]["revenue"]?.integerValue, 10)
        }
    }

    func testCountDocumentsWithFilterSkipAndLimit() throws {
        try withClient { client in
            try orders(client).insertMany((0..<20).map { ["_id": .int32(Int32($0)), "even": .bool($0 % 2 == 0)] })
            XCTAssertEqual(try orders(client).countDocuments(["even": true]), 10)
            XCTAssertEqual(try orders(client).countDocuments([:], options: ["skip": 5, "limit": 10]), 10)
            XCTAssertEqual(try client.collection("missing", in: database).countDocuments(), 0)
        }
    }

    func testDistinctReturnsEachValueOnce() throws {
        try withClient { client in
            try orders(client).insertMany([["s": "a"], ["s": "b"], ["s": "a"], ["s": "c", "x": 1]])
            let values = try orders(client).distinct("s", filter: ["x": ["$exists": false]])
            XCTAssertEqual(Set(values.compactMap(\.stringValue)), ["a", "b"])
        }
    }

    func testBulkWriteMixesRequestsAndCountsEachKind() throws {
        try withClient { client in
            try orders(client).insertMany([["_id": 1, "n": 0], ["_id": 2, "n": 0], ["_id": 3, "n": 0]])
            let result = try orders(client).bulkWrite([
                .insertOne(document: ["_id": 4, "n": 0]),
                .updateOne(filter: ["_id": 1], update: ["$set": ["n": 1]]),
                .updateMany(filter: ["n": 0], update: ["$set": ["n": 2]]),
                .replaceOne(filter: ["_id": 9], replacement: ["n": 9], options: ["upsert": true]),
                .deleteOne(filter: ["_id": 2]),
                .deleteMany(filter: ["n": 1]),
            ])
            XCTAssertEqual(result.insertedCount, 1)
            XCTAssertEqual(result.matchedCount, 4)
            XCTAssertEqual(result.modifiedCount, 4)
            XCTAssertEqual(result.upsertedCount, 1)
            XCTAssertEqual(result.upsertedIDs[3], 9)
            XCTAssertEqual(result.deletedCount, 2)
            XCTAssertEqual(try orders(client).find([:], options: ["sort": ["_id": 1]]), [["_id": 3, "n": 2], ["_id": 4, "n": 2], ["_id": 9, "n": 9]])
        }
    }

    func testOrderedBulkWriteStopsAtTheFirstErrorAndReportsIt() throws {
        try withClient { client in
            XCTAssertThrowsError(
                try orders(client).bulkWrite([
                    .insertOne(document: ["_id": 1]), .insertOne(document: ["_id": 1]), .insertOne(document: ["_id": 2]),
                ])
            ) { error in
                XCTAssertEqual((error as? MongoError)?.code, 11000)
            }
            XCTAssertEqual(try orders(client).countDocuments(), 1)
        }
    }

    func testABulkRequestThatCannotBeEncodedSaysWhy() throws {
        try withClient { client in
            XCTAssertThrowsError(
                try orders(client).bulkWrite([.updateOne(filter: ["_id": 1], update: "not an update")])
            ) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .client)
                XCTAssertTrue(error?.message.contains("must be a document or a pipeline") ?? false, "\(String(describing: error))")
            }
        }
    }

    func testIndexesCanBeCreatedListedAndDropped() throws {
        try withClient { client in
            try orders(client).insertOne(["_id": 1])
            let name = try orders(client).createIndex(["status": 1, "billed": 1])
            XCTAssertEqual(name, "status_1_billed_1")
            let unique = try orders(client).createIndex(
                ["phone": 1], options: ["name": "phone_unique", "unique": true,
                                        "partialFilterExpression": ["phone": ["$exists": true]]])
            XCTAssertEqual(unique, "phone_unique")
            let indexes = try orders(client).listIndexes()
            XCTAssertEqual(Set(indexes.compactMap { $0["name"]?.stringValue }), ["_id_", "status_1_billed_1", "phone_unique"])
            let phone = try XCTUnwrap(indexes.first { $0["name"] == "phone_unique" })
            XCTAssertEqual(phone["key"], ["phone": 1])
            XCTAssertEqual(phone["unique"], true)
            try orders(client).insertOne(["_id": 2, "phone": "555"])
            XCTAssertThrowsError(try orders(client).insertOne(["_id": 3, "phone": "555"]))
            try orders(client).dropIndex("status_1_billed_1")
            XCTAssertEqual(try orders(client).listIndexes().count, 2)
        }
    }

    func testCreateCollectionWithAValidatorAndDropIt() throws {
        try withClient { client in
            let strict = client.collection("strict", in: database)
            try strict.create(options: ["validator": ["$jsonSchema": ["required": ["billed"]]]])
            XCTAssertThrowsError(try strict.insertOne(["_id": 1])) { error in
                XCTAssertEqual((error as? MongoError)?.code, 121, "DocumentValidationFailure")
            }
            try strict.insertOne(["_id": 2, "billed": false])
            try strict.drop()
            try strict.drop()  // dropping what is already gone is not an error
            let names = try client.runCommand(["listCollections": 1, "nameOnly": true], on: database)
            let batch = names["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []
            XCTAssertFalse(batch.contains { $0.documentValue?["name"] == "strict" })
        }
    }

    func testRunCommandOnAnyDatabaseReturnsTheReply() throws {
        try withClient { client in
            let reply = try client.runCommand(["ping": 1], on: "admin")
            XCTAssertEqual(reply["ok"]?.doubleValue ?? reply["ok"]?.integerValue.map(Double.init), 1)
            XCTAssertThrowsError(try client.runCommand(["noSuchCommandAtAll": 1], on: "admin")) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .server)
                XCTAssertEqual(error?.code, 59)
                XCTAssertEqual(error?.codeName, "CommandNotFound")
                XCTAssertNotNil(error?.reply)
            }
        }
    }

    func testTheServerSeesTheApplicationNamePreflight() throws {
        try withClient { client in
            let reply = try client.runCommand(
                ["aggregate": 1, "pipeline": [["$currentOp": ["allUsers": true, "idleConnections": true]]], "cursor": [:]],
                on: "admin")
            let operations = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue?.compactMap(\.documentValue) ?? []
            let ours = operations.first { $0["command"]?.documentValue?.keys.first == "aggregate" }
            XCTAssertEqual(ours?["appName"], "preflight", "\(operations)")
        }
    }

    func testServerFactsDescribeTheScratchServer() throws {
        try withClient { client in
            let facts = try client.serverFacts()
            XCTAssertEqual(facts.topology, .single, "the class's scratch server is a standalone")
            XCTAssertTrue(facts.failPointsAvailable, "the scratch server is started with test commands")
            XCTAssertFalse(facts.versionComponents.isEmpty)
            XCTAssertGreaterThan(facts.maxWireVersion, 0)
        }
    }
}
