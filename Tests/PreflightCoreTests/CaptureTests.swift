import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight capture` against a real server: EarlyBird-shaped documents seeded into a
/// database of the test's own, captured through the built binary, loaded back, and
/// replayed with `preflight run`; every refusal writes nothing and exits as documented.
final class CaptureTests: ScratchServerTestCase {
    /// Customer ids and phones distinctive enough that finding them in a file means a leak.
    private let annID = "cust-ann-7f3a", bobID = "cust-bob-91c2", cyID = "cust-cy-5d1e"
    private let phones = ["+1-555-0101", "+1-555-0102", "+1-555-0103"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        // The base class drops `database` after each test.
        database = "earlybird_capture_" + ObjectID().hex
    }

    // MARK: - Helpers

    /// Orders of every type a capture must keep, their delivery statuses and customers,
    /// and documents no rule reaches.
    private func seed() throws {
        try withClient { client in
            _ = try client.collection("orders", in: database).insertMany([
                [
                    "_id": "o-1", "status": "delivered", "billed": false, "customer_id": .string(annID),
                    "total": .decimal128(try XCTUnwrap(Decimal128("100.50"))), "quantity": .int64(3), "weight_kg": 1.5,
                    "boxes": .int32(2), "created_at": .datetime(1_769_544_000_000), "delivered_at": .null,
                    "address": ["street": "1 Main St", "city": "Springfield", "geo": ["lat": 39.78, "lng": -89.65]],
                    "items": [["sku": "bread", "qty": 2], ["sku": "milk", "qty": .int64(1)]],
                    "tags": ["morning", "vip"], "related_order": "o-3",
                ],
                ["_id": "o-2", "status": "delivered", "billed": true, "customer_id": .string(bobID)],
                ["_id": "o-3", "status": "delivered", "customer_id": .string(annID), "total": .decimal128(try XCTUnwrap(Decimal128("0.10")))],
                ["_id": "o-4", "status": "pending", "billed": false, "customer_id": .string(cyID)],
            ])
            _ = try client.collection("delivery_statuses", in: database).insertMany([
                ["_id": "ds-1", "order_id": "o-1", "state": "out_for_delivery", "at": .datetime(1_769_540_000_000)],
                ["_id": "ds-2", "order_id": "o-1", "state": "delivered", "at": .datetime(1_769_544_000_000)],
                ["_id": "ds-3", "order_id": "o-3", "state": "delivered", "proof": .binary(BSONBinary(subtype: 0, bytes: [1, 2, 3]))],
                ["_id": "ds-4", "order_id": "o-4", "state": "pending"],
                ["_id": "ds-5", "order_id": "o-2", "state": "delivered"],
            ])
            _ = try client.collection("customers_v2", in: database).insertMany([
                ["_id": .string(annID), "name": "Ann", "phone": .string(phones[0]), "api_token": "tok-ann-secret"],
                ["_id": .string(bobID), "name": "Bob", "phone": .string(phones[1])],
                ["_id": .string(cyID), "name": "Cy", "phone": .string(phones[2])],
            ])
            _ = try client.collection("subscriptions_v2", in: database).insertOne(["_id": "s-1", "customer_id": .string(annID)])
        }
    }

    /// `preflight capture --uri … --database … --collection orders` plus `arguments`.
    private func capture(_ arguments: [String], uri: String? = nil, collection: String = "orders") throws -> PreflightProcess {
        try PreflightProcess.run(
            ["capture", "--uri", try uri ?? serverURI, "--database", database, "--collection", collection] + arguments, timeout: 120)
    }

    /// `preflight run FILE` against the scratch server.
    private func replay(_ output: String) throws -> PreflightProcess {
        try PreflightProcess.run(["run", output, "--uri", try serverURI, "--junit", folder.path + "/junit.xml"])
    }

    private static let unbilled = #"{"status": "delivered", "billed": {"$ne": true}}"#

    /// Every document of every collection of the test's database, and every database name.
    private func snapshot() throws -> [String: [BSONDocument]] {
        var all: [String: [BSONDocument]] = ["databases": try withClient { try $0.databaseNames() }.sorted().map { ["name": .string($0)] }]
        for name in try collectionNames(in: database) {
            all[name] = try withClient { try $0.collection(name, in: database).find([:], options: ["sort": ["_id": 1]]) }
        }
        return all
    }

    private func original(_ collection: String, _ id: BSON) throws -> BSONDocument {
        try XCTUnwrap(try withClient { try $0.collection(collection, in: database).find(["_id": id]) }.first)
    }

    private func fixture(_ scenario: Scenario, _ collection: String) -> [BSONDocument] {
        scenario.fixtures.first { $0.collection == collection }?.documents ?? []
    }

    // MARK: - The round trip

    /// The EarlyBird capture: unbilled delivered orders, their delivery statuses and their
    /// customers, with phones and both ends of the customer reference redacted. The file
    /// loads, holds exactly the documents the rules reach with their types, reveals no
    /// phone or customer id, joins through the tokens, and its replay passes.
    func testTheEarlyBirdCaptureLoadsKeepsTypesRevealsNothingAndReplays() throws {
        try seed()
        let before = try snapshot()
        let output = folder.path + "/incidents/unbilled.json"
        let run = try capture([
            "--filter", Self.unbilled,
            "--follow", "delivery_statuses.order_id=orders._id", "--follow", "customers_v2._id=orders.customer_id",
            "--redact", "customers_v2.phone", "--redact", "customers_v2._id", "--redact", "orders.customer_id",
            "--output", output,
        ])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertEqual(try snapshot(), before, "the capture changed the server")
        XCTAssertTrue(run.standardOutput.contains("Next: preflight run \(output)"), run.transcript)
        XCTAssertTrue(run.standardOutput.contains("customers_v2.api_token (1 value)"), "the secret-looking key is said: \(run.transcript)")

        let scenario = try ScenarioLoader().load(output)
        XCTAssertEqual(scenario.database, database)
        XCTAssertEqual(scenario.tags, ["captured"])
        XCTAssertEqual(scenario.fixtures.map(\.collection), ["orders", "delivery_statuses", "customers_v2"])
        XCTAssertEqual(fixture(scenario, "orders").map { $0["_id"] }, ["o-1", "o-3"])
        XCTAssertEqual(fixture(scenario, "delivery_statuses").map { $0["_id"] }, ["ds-1", "ds-2", "ds-3"])
        let customers = fixture(scenario, "customers_v2")
        XCTAssertEqual(customers.map { $0["name"] }, ["Ann"])

        // Every field that was not redacted comes back with its type and its key order.
        for (collection, captured) in [("orders", fixture(scenario, "orders")), ("delivery_statuses", fixture(scenario, "delivery_statuses"))] {
            for document in captured {
                let real = try original(collection, try XCTUnwrap(document["_id"]))
                XCTAssertEqual(document.keys, real.keys, "key order of \(collection) \(document)")
                for (key, value) in real where key != "customer_id" {
                    XCTAssertEqual(document[key], value, "\(collection).\(key) of \(real["_id"] ?? .null)")
                }
            }
        }
        let order = try XCTUnwrap(fixture(scenario, "orders").first)
        guard case .int64 = order["quantity"], case .decimal128 = order["total"], case .int32 = order["boxes"],
            case .double = order["weight_kg"], case .datetime = order["created_at"]
        else { return XCTFail("types changed: \(order.extendedJSON(.canonical))") }

        // Redacted: no real value anywhere, and the reference still joins.
        let text = try String(contentsOfFile: output, encoding: .utf8)
        for secret in phones + [annID, bobID, cyID, "tok-ann-secret"] {
            XCTAssertFalse(text.contains(secret), "\(secret) is in the captured file")
        }
        let customerToken = try XCTUnwrap(customers.first?["_id"])
        XCTAssertEqual(customerToken, "redacted-000001")
        XCTAssertEqual(fixture(scenario, "orders").map { $0["customer_id"] }, [customerToken, customerToken])
        XCTAssertNotEqual(customers.first?["phone"], customerToken)
        XCTAssertEqual(customers.first?["phone"]?.stringValue?.hasPrefix("redacted-"), true)

        // One fixture document per line, in canonical Extended JSON.
        XCTAssertTrue(text.contains(#"      {"_id":"o-1","status":"delivered","billed":false,"customer_id":"redacted-000001","total":{"$numberDecimal":"100.50"},"quantity":{"$numberLong":"3"}"#), text)

        let replay = try PreflightProcess.run(["run", output, "--uri", try serverURI, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(replay.status, 0, replay.transcript)
        XCTAssertTrue(replay.standardOutput.contains("1 passed, 0 failed, 0 skipped"), replay.transcript)
        XCTAssertEqual(try snapshot(), before, "the replay changed the captured database")
    }

    /// A rule that brings more root documents into the sandbox: one matches the filter too,
    /// so the replay's find returns it, and the expected list says so.
    func testAFollowIntoTheRootCollectionKeepsTheReplayExact() throws {
        try seed()
        let output = folder.path + "/related.json"
        let run = try capture([
            "--filter", Self.unbilled, "--limit", "1", "--follow", "orders._id=orders.related_order",
            "--follow", "orders._id=orders.customer_id", "--output", output,
        ])
        XCTAssertEqual(run.status, 0, run.transcript)
        let scenario = try ScenarioLoader().load(output)
        XCTAssertEqual(fixture(scenario, "orders").map { $0["_id"] }, ["o-1", "o-3"])
        let step = try XCTUnwrap(scenario.tests.first?.steps.first)
        guard case .operation(let find) = step.kind else { return XCTFail("expected a find step, got \(step)") }
        XCTAssertEqual(find.expect, [["_id": "o-1"], ["_id": "o-3"]])
        let replay = try PreflightProcess.run(["run", output, "--uri", try serverURI, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(replay.status, 0, replay.transcript)
    }

    /// A filter on a redacted field is written with the token, and still finds the documents.
    func testAFilterOnARedactedFieldIsWrittenWithItsTokenAndReplays() throws {
        try seed()
        let output = folder.path + "/ann.json"
        let run = try capture([
            "--filter", #"{"customer_id": {"$in": ["\#(annID)", "cust-nobody"]}}"#, "--redact", "orders.customer_id",
            "--output", output,
        ])
        XCTAssertEqual(run.status, 0, run.transcript)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertFalse(text.contains(annID), text)
        XCTAssertFalse(text.contains("cust-nobody"), "a filter value on a redacted field is redacted even when no document has it")
        XCTAssertTrue(text.contains(#""filter": {"customer_id":{"$in":["redacted-000001","redacted-000002"]}}"#), text)
        let replay = try PreflightProcess.run(["run", output, "--uri", try serverURI, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(replay.status, 0, replay.transcript)
    }

    // MARK: - Only reads

    /// Command monitoring on the capture's own pool: find, getMore, the count's aggregate,
    /// and nothing that writes; the database and the list of databases are unchanged.
    func testACaptureSendsOnlyReads() throws {
        try seed()
        let before = try snapshot()
        let events = EventLog()
        let request = try CaptureRequest(
            uri: try serverURI, database: database, collection: "orders", filter: Self.unbilled,
            follows: ["delivery_statuses.order_id=orders._id", "customers_v2._id=orders.customer_id", "orders._id=orders.related_order"],
            redactions: ["customers_v2.phone"], limit: 1, output: folder.path + "/reads.json")
        let result = try Capture.run(request, monitor: CommandMonitor { events.append($0) })
        XCTAssertEqual(result.total, 5)
        let sent = events.all.compactMap { event -> (String, BSONDocument)? in
            if case .started(let command, _) = event.outcome { return (event.commandName, command.document) }
            return nil
        }
        XCTAssertEqual(Set(sent.map(\.0)).subtracting(["find", "getMore", "killCursors", "aggregate", "endSessions"]), [])
        XCTAssertTrue(sent.contains { $0.0 == "aggregate" }, "--limit cut the filter short, so the count was asked")
        for (name, command) in sent where name == "aggregate" {
            let stages = command["pipeline"]?.arrayValue ?? []
            XCTAssertFalse(stages.contains { $0.documentValue?["$out"] != nil || $0.documentValue?["$merge"] != nil }, "\(command)")
        }
        XCTAssertEqual(try snapshot(), before)
    }

    // MARK: - What is said, and what is refused

    func testALimitThatCutsTheFilterShortIsSaid() throws {
        try seed()
        let output = folder.path + "/limited.json"
        let run = try capture(["--filter", #"{"status": "delivered"}"#, "--limit", "2", "--output", output])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(
            run.standardError.contains("the filter matched 3 documents in \(database).orders; captured the first 2 by _id (--limit)"),
            run.transcript)
        XCTAssertEqual(fixture(try ScenarioLoader().load(output), "orders").map { $0["_id"] }, ["o-1", "o-2"])
        XCTAssertEqual(5_230.grouped, "5,230")
        XCTAssertEqual(1_000_000.grouped, "1,000,000")
        XCTAssertEqual(100.grouped, "100")
    }

    func testAFilterThatMatchesNothingExitsTwoAndWritesNothing() throws {
        try seed()
        let output = folder.path + "/nothing.json"
        let run = try capture(["--filter", #"{"status": "lost"}"#, "--output", output])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("no document in \(database).orders matches the filter {\"status\": \"lost\"}"), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testAMalformedFollowIsAUsageErrorShowingTheForm() throws {
        for follow in ["delivery_statuses.order_id", "delivery_statuses=orders._id", "delivery_statuses.=orders._id",
            ".order_id=orders._id", "delivery_statuses.order_id=orders", "delivery_statuses.a..b=orders._id"]
        {
            let run = try capture(["--follow", follow, "--output", folder.path + "/x.json"], uri: RunCommandTests.unreachable)
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains("--follow takes COLLECTION.FIELD=COLLECTION.FIELD, such as delivery_statuses.order_id=orders._id"), run.transcript)
        }
    }

    /// Checked before any connection (the URI here reaches nothing): a rule follows what
    /// is captured before it, and a redaction names a captured collection.
    func testFollowingOrRedactingAnUncapturedCollectionIsAUsageError() throws {
        let follow = try capture([
            "--follow", "customers_v2._id=payments.customer_id", "--follow", "payments.order_id=orders._id",
            "--output", folder.path + "/x.json",
        ], uri: RunCommandTests.unreachable)
        XCTAssertEqual(follow.status, 64, follow.transcript)
        XCTAssertTrue(follow.standardError.contains("--follow customers_v2._id=payments.customer_id: nothing is captured from payments before this rule"), follow.transcript)
        XCTAssertTrue(follow.standardError.contains("rules apply in the order given"), follow.transcript)

        let redact = try capture([
            "--follow", "delivery_statuses.order_id=orders._id", "--redact", "customers_v2.phone", "--output", folder.path + "/x.json",
        ], uri: RunCommandTests.unreachable)
        XCTAssertEqual(redact.status, 64, redact.transcript)
        XCTAssertTrue(redact.standardError.contains("--redact customers_v2.phone: customers_v2 is not captured; the captured collections are orders, delivery_statuses"), redact.transcript)
    }

    func testAMalformedFilterIsAUsageErrorWithItsPosition() throws {
        let run = try capture(["--filter", #"{"status": }"#, "--output", folder.path + "/x.json"], uri: RunCommandTests.unreachable)
        XCTAssertEqual(run.status, 64, run.transcript)
        XCTAssertTrue(run.standardError.contains("--filter is not a valid Extended JSON object: 1:12:"), run.transcript)
    }

    func testAnExistingOutputIsKeptUnlessForced() throws {
        try seed()
        let output = folder.path + "/existing.json"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output))
        let refused = try capture(["--filter", Self.unbilled, "--output", output])
        XCTAssertEqual(refused.status, 64, refused.transcript)
        XCTAssertTrue(refused.standardError.contains("\(output) exists already; nothing was captured. Pass --force"), refused.transcript)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "keep me")

        let forced = try capture(["--filter", Self.unbilled, "--output", output, "--force"])
        XCTAssertEqual(forced.status, 0, forced.transcript)
        XCTAssertEqual(fixture(try ScenarioLoader().load(output), "orders").map { $0["_id"] }, ["o-1", "o-3"])
    }

    /// Redacting one end of a reference and keeping the other would write the real value.
    func testAValueRedactedAtOnePathAndKeptAtAnotherWritesNothing() throws {
        try seed()
        let output = folder.path + "/leak.json"
        let run = try capture([
            "--filter", Self.unbilled, "--follow", "customers_v2._id=orders.customer_id", "--redact", "orders.customer_id",
            "--output", output,
        ])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("A value redacted at orders.customer_id is also at fixtures.customers_v2[0]._id, which is not redacted"), run.transcript)
        XCTAssertFalse(run.standardError.contains(annID), "the message must not say the value")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    /// A field named `$$var` would be read as the format's own operator.
    func testADocumentWithADollarDollarKeyIsRefused() throws {
        try seed()
        // A raw insert: libmongoc's insert helpers refuse `$` keys, servers since 5.0 take them.
        try withClient { client in
            try client.runCommand(
                ["insert": "orders", "documents": [["_id": "o-9", "status": "odd", "meta": ["$$var": "month"]]]], on: database)
        }
        let output = folder.path + "/odd.json"
        let run = try capture(["--filter", #"{"status": "odd"}"#, "--output", output])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains(#"Document 1 captured from orders (_id "o-9") has a field named "$$var""#), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testMoreThanTenThousandDocumentsWritesNothing() throws {
        try seed()
        try withClient { client in
            let events = client.collection("events", in: database)
            for batch in 0..<11 {
                _ = try events.insertMany((0..<1_000).map { ["_id": .int32(Int32(batch * 1_000 + $0)), "order_id": "o-1"] })
            }
        }
        let output = folder.path + "/many.json"
        let run = try capture(["--filter", Self.unbilled, "--follow", "events.order_id=orders._id", "--output", output])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("The capture would hold more than 10,000 documents (passed while following events.order_id=orders._id)"), run.transcript)
        XCTAssertTrue(run.standardError.contains("Narrow --filter, lower --limit"), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testAnUnreachableServerExitsThree() throws {
        let output = folder.path + "/unreachable.json"
        let run = try capture(["--output", output], uri: RunCommandTests.unreachable)
        XCTAssertEqual(run.status, 3, run.transcript)
        XCTAssertTrue(run.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testTheHelpShowsTheEarlyBirdExampleAndTheExitCodes() throws {
        let run = try PreflightProcess.run(["capture", "--help"])
        XCTAssertEqual(run.status, 0, run.transcript)
        // Read as one line: where the help wraps depends on the terminal's width.
        let help = run.standardOutput.replacingOccurrences(of: "\n", with: " ")
        for text in ["--follow delivery_statuses.order_id=orders._id", "--follow customers_v2._id=orders.customer_id",
            "Exit codes: 0 the scenario was written; 2 nothing to capture", "3 the server cannot be reached", "64 usage",
            "but only those of at least 1,000 in size or with a fraction", "so a small redacted number kept at another path is not found",
            "a --redact path that matches no value", "an --output that is a directory",
            "Anything else on a redacted field ($regex or a regular expression, $gt, $type, …)"]
        {
            XCTAssertTrue(help.contains(text), "\(text) is not in the help:\n\(run.standardOutput)")
        }
    }

    // MARK: - Review findings

    /// MongoDB matches int32, int64, double and an integral decimal by value, and
    /// `--follow` found the orders that way: their tokens must be one number, each in its
    /// own type, or the replayed documents no longer join.
    func testNumbersEqualAcrossTypesGetOneTokenInEachTypeAndStillJoin() throws {
        try withClient { client in
            _ = try client.collection("customers", in: database).insertOne(["_id": .int32(7), "name": "Asha"])
            _ = try client.collection("orders", in: database).insertMany([
                ["_id": "o-1", "customer_id": .int64(7)], ["_id": "o-2", "customer_id": .double(7)],
                ["_id": "o-3", "customer_id": .decimal128(try XCTUnwrap(Decimal128("7.0")))],
            ])
        }
        let output = folder.path + "/numbers.json"
        let run = try capture(
            ["--follow", "orders.customer_id=customers._id", "--redact", "customers._id", "--redact", "orders.customer_id",
             "--output", output],
            collection: "customers")
        XCTAssertEqual(run.status, 0, run.transcript)
        let scenario = try ScenarioLoader().load(output)
        let customer = try XCTUnwrap(fixture(scenario, "customers").first?["_id"])
        let orders = fixture(scenario, "orders").map { $0["customer_id"] }
        guard case .int32(let token) = customer, orders.count == 3, case .int64(let long) = orders[0],
            case .double(let double) = orders[1], case .decimal128(let decimal) = orders[2]
        else { return XCTFail("tokens do not keep their types: \(customer), \(orders)") }
        XCTAssertEqual(Int64(token), long, "int32 and int64 tokens of the same number")
        XCTAssertEqual(Double(token), double, "int32 and double tokens of the same number")
        XCTAssertEqual(decimal, Decimal128(String(token)), "int32 and decimal tokens of the same number")
        XCTAssertNotEqual(token, 7, "a token never equals a redacted value")
        let replay = try replay(output)
        XCTAssertEqual(replay.status, 0, replay.transcript)
    }

    /// A redacted string inside a note, a redacted number kept in another field as
    /// another numeric type: nothing is written, every place is named, no value is.
    func testRedactedValuesKeptElsewhereWriteNothingAndEveryPlaceIsNamed() throws {
        try withClient { client in
            _ = try client.collection("customers", in: database).insertOne([
                "_id": "c-1", "email": "asha@example.com", "phone": .int64(919_845_000_001), "ssn": .int32(123_456_789),
            ])
            _ = try client.collection("orders", in: database).insertOne([
                "_id": "o-1", "customer_id": "c-1", "notes": "emailed asha@example.com about delivery",
                "contact": .int64(919_845_000_001), "ssn_copy": .double(123_456_789),
            ])
        }
        let output = folder.path + "/leak.json"
        let run = try capture(
            ["--follow", "orders.customer_id=customers._id", "--redact", "customers.email", "--redact", "customers.phone",
             "--redact", "customers.ssn", "--name", "Asha (asha@example.com) was billed twice", "--output", output],
            collection: "customers")
        XCTAssertEqual(run.status, 2, run.transcript)
        for text in [
            "a value redacted at customers.email is inside the text at fixtures.orders[0].notes",
            "a value redacted at customers.phone is also at fixtures.orders[0].contact",
            "a value redacted at customers.ssn is also at fixtures.orders[0].ssn_copy",
            "a value redacted at customers.email is inside the text at the scenario's name",
            "Add --redact orders.notes --redact orders.contact --redact orders.ssn_copy as well",
            "Take the value out of --name and --filter.",
            "Nothing was written.",
        ] {
            XCTAssertTrue(run.standardError.contains(text), "\(text) is not in:\n\(run.transcript)")
        }
        for value in ["asha@example.com", "919845000001", "123456789"] {
            XCTAssertFalse(run.standardError.contains(value), "the message says the value \(value)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    /// ObjectIds are looked for as their hex inside strings, dates by equality; small
    /// whole numbers are not looked for, or every quantity would raise an alarm.
    func testRedactedObjectIDsAndDatesAreFoundButSmallNumbersAreNot() throws {
        let account = ObjectID()
        try withClient { client in
            _ = try client.collection("customers", in: database).insertOne([
                "_id": "c-1", "account": .objectID(account), "born": .datetime(449_625_600_000), "tier": 3,
            ])
            _ = try client.collection("orders", in: database).insertOne([
                "_id": "o-1", "customer_id": "c-1", "memo": .string("refund to account \(account.hex.uppercased())"),
                "born_copy": .datetime(449_625_600_000), "quantity": 3,
            ])
        }
        let follow = ["--follow", "orders.customer_id=customers._id"]
        let output = folder.path + "/ids.json"
        let run = try capture(
            follow + ["--redact", "customers.account", "--redact", "customers.born", "--redact", "customers.tier", "--output", output],
            collection: "customers")
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("a value redacted at customers.account is inside the text at fixtures.orders[0].memo"), run.transcript)
        XCTAssertTrue(run.standardError.contains("a value redacted at customers.born is also at fixtures.orders[0].born_copy"), run.transcript)
        XCTAssertFalse(run.standardError.contains("quantity"), run.transcript)
        XCTAssertFalse(run.standardError.lowercased().contains(account.hex), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        let small = try capture(follow + ["--redact", "customers.tier", "--output", output], collection: "customers")
        XCTAssertEqual(small.status, 0, small.transcript)
    }

    /// Tokens hide the values and order differently: a pattern or a range on a redacted
    /// field cannot be replayed, and is refused before anything is sent (the URI here
    /// reaches nothing); equality and `$exists` go on to connect.
    func testAFilterOtherThanEqualityOnARedactedFieldIsRefusedBeforeReading() throws {
        let refused: [(filter: String, redact: String, message: String)] = [
            (#"{"customer_id": {"$regex": "^cust-ann"}}"#, "orders.customer_id",
             "--filter compares orders.customer_id with $regex, but --redact orders.customer_id replaces its values, so the replay could not find them: filter on another field, or do not redact this one."),
            (#"{"customer_id": {"$regularExpression": {"pattern": "^cust", "options": ""}}}"#, "orders.customer_id",
             "--filter compares orders.customer_id with $regex, but --redact orders.customer_id"),
            (#"{"$or": [{"status": "lost"}, {"total": {"$gt": 100}}]}"#, "orders.total", "--filter compares orders.total with $gt"),
            (#"{"customer_id": {"$in": ["cust-ann-7f3a", {"$regularExpression": {"pattern": "^b", "options": ""}}]}}"#,
             "orders.customer_id", "--filter compares orders.customer_id with a regular expression in $in"),
            (#"{"address.city": "Springfield"}"#, "orders.address",
             "--filter compares orders.address.city, which is inside orders.address, but --redact orders.address replaces that whole value"),
            (#"{"api_token": {"$regex": "^tok"}}"#, "orders.status",
             "--filter compares orders.api_token with $regex, but the values of a key that looks like a secret are always redacted"),
        ]
        for (filter, redact, message) in refused {
            let run = try capture(
                ["--filter", filter, "--redact", redact, "--output", folder.path + "/x.json"], uri: RunCommandTests.unreachable)
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains(message), "\(message) is not in:\n\(run.transcript)")
        }
        for filter in [#"{"customer_id": {"$in": ["a", "b"]}, "total": {"$exists": true}}"#, #"{"customer_id": {"$ne": "a"}}"#] {
            let run = try capture(
                ["--filter", filter, "--redact", "orders.customer_id", "--redact", "orders.total", "--output", folder.path + "/x.json"],
                uri: RunCommandTests.unreachable)
            XCTAssertEqual(run.status, 3, "\(filter) is replayable: \(run.transcript)")
        }
    }

    /// libmongoc's insert refuses an empty key at any depth, so the scenario could never
    /// load such a document; the capture says which one, and where.
    func testADocumentWithAnEmptyKeyIsRefused() throws {
        try seed()
        try withClient { client in
            try client.runCommand(
                ["insert": "orders", "documents": [
                    ["_id": "o-9", "status": "odd", "": "x"], ["_id": "o-10", "status": "odder", "meta": ["": 1]],
                ]], on: database)
        }
        let output = folder.path + "/empty.json"
        let top = try capture(["--filter", #"{"status": "odd"}"#, "--output", output])
        XCTAssertEqual(top.status, 2, top.transcript)
        XCTAssertTrue(top.standardError.contains(#"Document 1 captured from orders (_id "o-9") has a field with an empty name at the top level"#), top.transcript)
        let nested = try capture(["--filter", #"{"status": "odder"}"#, "--output", output])
        XCTAssertEqual(nested.status, 2, nested.transcript)
        XCTAssertTrue(nested.standardError.contains(#"(_id "o-10") has a field with an empty name inside meta"#), nested.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    /// A misspelt --redact would leave the real values in the file.
    func testARedactPathThatMatchesNoValueIsAnError() throws {
        try seed()
        let output = folder.path + "/misspelt.json"
        let run = try capture(["--filter", Self.unbilled, "--redact", "orders.custmer_id", "--output", output])
        XCTAssertEqual(run.status, 64, run.transcript)
        XCTAssertTrue(run.standardError.contains("--redact orders.custmer_id matched no value in the 2 documents captured from orders"), run.transcript)
        XCTAssertFalse(run.standardError.contains("Warning"), run.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    /// Checked before any connection (the URI here reaches nothing).
    func testAmbiguousRulesOperatorPathsAndDirectoryOutputsAreUsageErrors() throws {
        let cases: [([String], String)] = [
            (["--follow", "delivery_statuses.order_id=orders._id=x", "--output", folder.path + "/x.json"],
             #"--follow takes COLLECTION.FIELD=COLLECTION.FIELD, such as delivery_statuses.order_id=orders._id; "delivery_statuses.order_id=orders._id=x" has more than one "=""#),
            (["--follow", "delivery_statuses.$where=orders._id", "--output", folder.path + "/x.json"],
             "is not COLLECTION.FIELD (field names are not empty and do not start with $)"),
            (["--redact", "orders.address.$city", "--output", folder.path + "/x.json"],
             #"--redact takes COLLECTION.FIELD, such as customers_v2.phone (field names are not empty and do not start with $); got "orders.address.$city""#),
            (["--redact", "orders.a..b", "--output", folder.path + "/x.json"], "--redact takes COLLECTION.FIELD"),
            (["--output", folder.path + "/incidents/"],
             "--output names a directory; give a file name such as \(folder.path)/incidents/captured.json"),
            (["--output", folder.path], "--output names a directory; give a file name such as \(folder.path)/captured.json"),
        ]
        for (arguments, message) in cases {
            let run = try capture(arguments, uri: RunCommandTests.unreachable)
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains(message), "\(message) is not in:\n\(run.transcript)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path + "/incidents"))
    }

    /// A scenario reaches the disk as reports do; without --force a file that appeared
    /// in the meantime is kept, and no temporary file is left behind.
    func testAScenarioIsWrittenAsReportsAreAndAFileThatAppearedIsKept() throws {
        let path = folder.path + "/appeared.json"
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ReportFile.write("ours", to: path, replaceExisting: false)) { error in
            XCTAssertEqual((error as? ReportFile.Failure)?.code, EEXIST)
        }
        XCTAssertThrowsError(try CaptureFile.write("ours", to: path, replacing: false)) { error in
            XCTAssertEqual(error as? CaptureError, .outputExists(path: path))
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "theirs")
        try CaptureFile.write("ours", to: path, replacing: true)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "ours")
        try CaptureFile.write("new", to: folder.path + "/more/new.json", replacing: false)
        XCTAssertEqual(try String(contentsOfFile: folder.path + "/more/new.json", encoding: .utf8), "new")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path) + FileManager.default.contentsOfDirectory(atPath: folder.path + "/more")
        XCTAssertEqual(left.filter { $0.hasPrefix(".") }, [], "temporary files left behind")
    }
}
