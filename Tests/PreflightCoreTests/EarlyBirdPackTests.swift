import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The EarlyBird pack (`scenarios/earlybird`) held to what it claims, through the built
/// binary against the class's scratch server: the Phase 0.7 checklist and the incident
/// pass; each checklist file fails when the fault it exists to catch is put back into the
/// library (mutations of a temporary copy); the naive find-then-update billing is caught
/// by the concurrent tests and only by them; and the live monitoring files read a seeded
/// database, honour their threshold variables, and change nothing.
final class EarlyBirdPackTests: ScratchServerTestCase {
    // MARK: - The pack passes

    func testThePhase07ChecklistAndTheIncidentPassWithATestCasePerTest() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["run", EarlyBirdPack.phase07, EarlyBirdPack.incidents, "--uri", try serverURI, "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)

        JUnitCases.validate(junit)
        let expected = EarlyBirdPack.expectedTests(in: [EarlyBirdPack.phase07, EarlyBirdPack.incidents])
        // The count comes from the files; the literal only guards against the loader and
        // the pack both losing tests at once.
        XCTAssertEqual(expected.count, 16, "\(expected)")
        XCTAssertEqual(Set(expected).count, expected.count, "test names are unique per file")

        let suites = try JUnitReportFile.read(junit)
        var files: [String] = []
        for classname in expected.map({ $0.components(separatedBy: " / ")[0] }) where !files.contains(classname) {
            files.append(classname)
        }
        XCTAssertEqual(files.count, 6, "\(files)")
        XCTAssertEqual(suites.map(\.package), files, "one suite per file, in file order")
        let cases = suites.flatMap(\.cases)
        XCTAssertEqual(cases.map(\.key), expected, "one <testcase> per test, in file order")
        XCTAssertEqual(cases.filter { $0.outcome != "passed" }.map { "\($0.key): \($0.outcome) \($0.message ?? "")" }, [])
        for suite in suites {
            XCTAssertEqual([suite.failures, suite.errors, suite.skipped], [0, 0, 0], suite.package)
            XCTAssertEqual(suite.tests, suite.cases.count, suite.package)
        }
        XCTAssertEqual(run.lastLine, "\(expected.count) passed, 0 failed, 0 skipped", run.transcript)
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testCheckAcceptsEveryFileUnderScenarios() throws {
        let check = try runBinary(["check", "scenarios"])
        XCTAssertEqual(check.status, 0, check.transcript)
        let catalog = ScenarioCatalog.load([EarlyBirdPack.absolute("scenarios")], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        let tests = catalog.scenarios.reduce(0) { $0 + $1.tests.count }
        XCTAssertEqual(
            check.lastLine, "\(catalog.scenarios.count) scenario files valid, \(tests) tests; 1 library, 1 compat spec, 1 migration and 1 checklist valid.",
            check.transcript)
        // A folder of compat specs alone is counted as what it holds.
        let compat = try runBinary(["check", "scenarios/earlybird/compat"])
        XCTAssertEqual(compat.status, 0, compat.transcript)
        XCTAssertEqual(compat.lastLine, "1 compat spec valid.", compat.transcript)
        XCTAssertTrue(check.standardOutput.contains("✓ scenarios/earlybird/lib/earlybird.json: library"), check.transcript)
        for monitoring in ["billable-backlog", "billed-orders", "order-creation-rate", "revenue"] {
            XCTAssertTrue(
                check.standardOutput.contains("✓ scenarios/earlybird/monitoring/\(monitoring).json: "), "\(monitoring):\n\(check.transcript)")
        }
    }

    // MARK: - Naive billing is caught by the concurrent tests

    /// The library's atomic claim replaced with the billing the incident describes: read
    /// the billable orders, then charge and mark them one by one.
    func testNaiveFindThenUpdateBillingFailsTheConcurrentTestsOnly() throws {
        let copy = try EarlyBirdCopy()
        try copy.editLibrary { text in
            let procedure = try JSONText.value(of: "runBilling", in: text)
            let steps = try JSONText.value(of: "steps", in: text, within: procedure)
            return text.replacingCharacters(in: steps, with: Self.naiveBillingSteps)
        }
        try assertCopyIsValid(copy)

        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["run", "phase-0.7", "incidents", "--uri", try serverURI, "--junit", junit], in: copy.root)
        XCTAssertEqual(run.status, 1, run.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitReportFile.read(junit).flatMap(\.cases)
        XCTAssertEqual(cases.count, EarlyBirdPack.expectedTests(in: ["phase-0.7", "incidents"], root: copy.root).count)

        let concurrent = try XCTUnwrap(cases.first { $0.name == "two concurrent billing runs bill each order exactly once" }, "\(cases)")
        XCTAssertEqual(concurrent.classname, "phase-0.7.duplicate-prevention")
        XCTAssertEqual(concurrent.outcome, "failure", "\(concurrent)")
        XCTAssertEqual(concurrent.type, "mismatch", "\(concurrent)")
        let message = concurrent.message ?? ""
        XCTAssertTrue(message.contains("iterations failed"), "the repeated race reports its tally: \(message)")
        // The race double-bills in some iterations, not always the first: an iteration whose
        // two runs did not overlap fails only the run-link check. The failure's log names
        // each iteration's failure; the double billing is among them.
        let failure = try JUnitReportFile.failureText(junit, test: "two concurrent billing runs bill each order exactly once")
        XCTAssertTrue(
            failure.components(separatedBy: "\n").contains { $0.contains("✗") && ($0.contains("count billing_ledger") || $0.contains("noDoubleBilling")) },
            "no iteration double-billed: \(message)")
        XCTAssertTrue(run.standardOutput.contains("  ✗ two concurrent billing runs bill each order exactly once"), run.transcript)

        // One run after another cannot double-bill, but the naive billing never links an
        // order to the run that billed it, which the run-link checks see.
        let sequential = try XCTUnwrap(cases.first { $0.name == "a second billing run bills nothing" })
        XCTAssertEqual(sequential.outcome, "failure", "\(sequential)")
        XCTAssertTrue(sequential.message?.contains("ledgerEntriesReferenceTheirRun") ?? false, "\(sequential)")

        // Every race fails; the other failures are the missing run links; the incident's
        // own replay uses its own old billing and still shows the double charge.
        let racing: Set<String> = [
            "two concurrent billing runs bill each order exactly once",
            "an order delivered while two runs bill is billed once, by one of them",
            "the fix: two billing runs racing bill each order once",
        ]
        let failed = cases.filter { $0.outcome != "passed" }
        XCTAssertTrue(racing.isSubset(of: Set(failed.map(\.name))), "\(failed.map { "\($0.key): \($0.message ?? "")" })")
        for other in failed where !racing.contains(other.name) {
            XCTAssertTrue(["billing_run", "ledgerEntriesReferenceTheirRun", "run_id"].contains { other.message?.contains($0) ?? false }, "\(other)")
        }
        XCTAssertEqual(failed.filter { $0.outcome != "failure" }.map(\.key), [], "wrong results, not errors")
        XCTAssertEqual(try runDatabasesOnServer(), [])
    }

    // MARK: - Each checklist file catches its own fault

    /// Checklist test 1: an order created without the fifth field.
    func testOrderCreationCatchesAnOrderCreatedWithoutDeliveredAt() throws {
        let copy = try EarlyBirdCopy()
        try copy.editLibrary { text in
            let document = try JSONText.value(of: "document", in: text, within: try JSONText.value(of: "createOrder", in: text))
            return try JSONText.removingMember("delivered_at", from: text, within: document)
        }
        let cases = try runMutatedChecklist(copy, expectingFailureIn: "order-creation")
        let defaults = try XCTUnwrap(cases.first { $0.name == "a new order is stored whole, with the five Phase 0.7 fields at their defaults" })
        XCTAssertEqual(defaults.outcome, "failure", "\(defaults)")
        XCTAssertTrue(defaults.message?.contains("delivered_at") ?? false, "\(defaults)")
    }

    /// Checklist test 2: a delivery status that does not say which order it delivers.
    func testDeliveryLinkageCatchesADeliveryStatusWithoutOrderID() throws {
        let copy = try EarlyBirdCopy()
        try copy.editLibrary { text in
            let document = try JSONText.value(of: "document", in: text, within: try JSONText.value(of: "markDelivered", in: text))
            return try JSONText.removingMember("order_id", from: text, within: document)
        }
        let cases = try runMutatedChecklist(copy, expectingFailureIn: "delivery-linkage")
        XCTAssertEqual(cases.map(\.outcome), ["failure", "failure"], "\(cases)")
        for testCase in cases {
            XCTAssertTrue(testCase.message?.contains("delivery_statuses") ?? false, "\(testCase)")
        }
    }

    /// Checklist test 3: a billing run that claims delivered orders nobody confirmed.
    func testBillingQueryCatchesAClaimWithoutDeliveryConfirmed() throws {
        let copy = try EarlyBirdCopy()
        try copy.editLibrary { text in
            let procedure = try JSONText.value(of: "runBilling", in: text)
            let claim = try JSONText.value(of: "updateMany", in: text, within: procedure)
            let filter = try JSONText.value(of: "filter", in: text, within: claim.upperBound..<procedure.upperBound)
            return try JSONText.removingMember("delivery_confirmed", from: text, within: filter)
        }
        let cases = try runMutatedChecklist(copy, expectingFailureIn: "billing-query")
        let run = try XCTUnwrap(cases.first { $0.name == "a billing run bills exactly what the query finds" })
        XCTAssertEqual(run.outcome, "failure", "\(run)")
        // o-303 is delivered but unconfirmed: the broken claim bills it.
        // The message names it, or counts the third ledger entry when the list is clipped before it.
        XCTAssertTrue(["o-303", "got 3 elements"].contains { run.message?.contains($0) ?? false }, "\(run)")
        // The query itself is written in the test, so that test still passes: the fault is in the run.
        let query = try XCTUnwrap(cases.first { $0.name == "the billing query finds delivered, confirmed, unbilled orders and nothing else" })
        XCTAssertEqual(query.outcome, "passed", "\(query)")
    }

    // MARK: - Monitoring, read-only

    func testMonitoringReadsASeededDatabaseHonoursItsThresholdsAndWritesNothing() throws {
        let database = "earlybird_mon_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(database) } }
        try withClient { try Self.seedMonitoring(database, using: $0) }
        let before = try snapshot(database)
        XCTAssertEqual(before.keys.sorted(), ["billing_ledger", "customers_v2", "orders"])
        let databasesBefore = try withClient { try $0.databaseNames() }.sorted()

        // Thresholds the data meets, each as tight as the data allows.
        let met = [
            "month=2026-01", "minOrdersLastHour=2", "maxOrdersWithoutBillingFields=0", "maxBillableBacklog=2",
            "maxDeliveredInvisibleToBilling=1", "minBilledOrders=2", "minMonthlyRevenue=184",
        ]
        let arguments = ["run", EarlyBirdPack.monitoring, "--uri", try serverURI, "--database", database]
        let passing = try runBinary(arguments + met.flatMap { ["--var", $0] } + ["--junit", folder.path + "/met.xml"])
        XCTAssertEqual(passing.status, 0, passing.transcript)
        JUnitCases.validate(folder.path + "/met.xml")
        let expected = EarlyBirdPack.expectedTests(in: [EarlyBirdPack.monitoring])
        let metSuites = try JUnitReportFile.read(folder.path + "/met.xml")
        XCTAssertEqual(metSuites.flatMap(\.cases).map(\.key), expected)
        XCTAssertEqual(metSuites.flatMap(\.cases).filter { $0.outcome != "passed" }.map { "\($0.key): \($0.message ?? "")" }, [])
        for suite in metSuites {
            XCTAssertFalse(suite.systemOut.contains("sandbox database"), "a live file ran in a sandbox: \(suite.systemOut)")
        }

        // The same data with the default of no invisible order at all: l-801 fails exactly that test.
        let strict = met.filter { !$0.hasPrefix("maxDeliveredInvisibleToBilling=") }
        let failing = try runBinary(arguments + strict.flatMap { ["--var", $0] } + ["--junit", folder.path + "/strict.xml"])
        XCTAssertEqual(failing.status, 1, failing.transcript)
        let invisible = "no delivered, unbilled order is invisible to the billing query"
        XCTAssertTrue(failing.standardOutput.contains("  ✗ \(invisible)"), failing.transcript)
        XCTAssertEqual(failing.lastLine, "\(expected.count - 1) passed, 1 failed, 0 skipped", failing.transcript)
        JUnitCases.validate(folder.path + "/strict.xml")
        let strictCases = try JUnitReportFile.read(folder.path + "/strict.xml").flatMap(\.cases)
        let failed = strictCases.filter { $0.outcome != "passed" }
        XCTAssertEqual(failed.map(\.key), ["scenarios.earlybird.monitoring.billable-backlog / \(invisible)"])
        XCTAssertEqual(failed.first?.outcome, "failure")
        XCTAssertTrue(failed.first?.message?.contains("count orders") ?? false, "\(failed)")
        XCTAssertTrue(failed.first?.message?.contains("got 1") ?? false, "\(failed)")

        // Every threshold one step past the data: each file reads its own variable.
        let past = [
            "month=2026-01", "minOrdersLastHour=3", "maxOrdersWithoutBillingFields=0", "maxBillableBacklog=1",
            "maxDeliveredInvisibleToBilling=0", "minBilledOrders=3", "minMonthlyRevenue=185",
        ]
        let tooStrict = try runBinary(arguments + past.flatMap { ["--var", $0] } + ["--junit", folder.path + "/past.xml"])
        XCTAssertEqual(tooStrict.status, 1, tooStrict.transcript)
        JUnitCases.validate(folder.path + "/past.xml")
        let pastFailures = try JUnitReportFile.read(folder.path + "/past.xml").flatMap(\.cases).filter { $0.outcome != "passed" }
        XCTAssertEqual(pastFailures.map(\.name), [
            "the billable backlog is at most maxBillableBacklog",
            invisible,
            "billed orders: at least minBilledOrders",
            "orders are being created (created in the last hour, at least minOrdersLastHour)",
            "revenue billed for month is at least minMonthlyRevenue",
        ], "\(pastFailures.map { "\($0.key): \($0.message ?? "")" })")

        // Read-only: every document, every index, every collection as it was; no new database.
        let after = try snapshot(database)
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted())
        for (collection, documents) in before {
            XCTAssertEqual(after[collection], documents, "\(collection) changed")
        }
        XCTAssertEqual(try withClient { try $0.databaseNames() }.sorted(), databasesBefore, "a live run created or dropped a database")
    }

    // MARK: - Helpers

    /// The runBilling steps before the fix: the billing run is recorded as before, but the
    /// billable orders are read first and then billed one by one, each ledger entry with
    /// the same fields as the atomic claim's.
    static let naiveBillingSteps = """
        [
                {"name": "record the billing run", "insertOne": "billing_runs",
                 "document": {"_id": {"$$newObjectId": {}}, "month": {"$$var": "month"}, "started_at": {"$$now": {}}},
                 "save": {"runId": "insertedId"}},
                {"name": "naive: read the billable orders", "find": "orders",
                 "filter": {"status": "delivered", "delivery_confirmed": true, "billed": {"$ne": true}},
                 "sort": {"_id": 1}, "save": "billable"},
                {"forEach": "billable", "as": "order", "steps": [
                  {"name": "ledger entry for the order", "insertOne": "billing_ledger",
                   "document": {"order_id": {"$$var": "order._id"}, "customer_id": {"$$var": "order.customer_id"},
                                "amount": {"$$var": "order.total"}, "month": {"$$var": "month"},
                                "run_id": {"$$var": "runId"}, "billed_at": {"$$now": {}}}},
                  {"name": "charge the customer", "updateOne": "customers_v2", "filter": {"_id": {"$$var": "order.customer_id"}},
                   "update": {"$inc": {"total_billed": {"$$var": "order.total"}},
                              "$set": {"billing_status": "billed", "billed_month": {"$$var": "month"}}},
                   "expect": {"matchedCount": 1}},
                  {"name": "mark the order billed", "updateOne": "orders", "filter": {"_id": {"$$var": "order._id"}},
                   "update": {"$set": {"billed": true, "billed_at": {"$$now": {}}, "billed_month": {"$$var": "month"}}}}
                ]}
              ]
        """

    /// A mutated library must still be a valid one: the failure has to come from running it.
    private func assertCopyIsValid(_ copy: EarlyBirdCopy, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try runBinary(["check", "."], in: copy.root, file: file, line: line)
        XCTAssertEqual(check.status, 0, "the mutated pack is invalid:\n\(check.transcript)", file: file, line: line)
    }

    /// Runs the copy's `phase-0.7` and returns the cases of `checklistFile`, after holding
    /// the run to exit 1 with that file failing and another file passing (the copy runs).
    private func runMutatedChecklist(
        _ copy: EarlyBirdCopy, expectingFailureIn checklistFile: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [JUnitReportFile.Case] {
        try assertCopyIsValid(copy, file: file, line: line)
        let junit = folder.path + "/\(checklistFile).xml"
        let run = try runBinary(["run", "phase-0.7", "--uri", try serverURI, "--junit", junit], in: copy.root, file: file, line: line)
        XCTAssertEqual(run.status, 1, run.transcript, file: file, line: line)
        JUnitCases.validate(junit, file: file, line: line)
        let suites = try JUnitReportFile.read(junit)
        let target = try XCTUnwrap(suites.first { $0.package == "phase-0.7.\(checklistFile)" }, "\(suites.map(\.package))", file: file, line: line)
        XCTAssertGreaterThan(target.failures, 0, "\(checklistFile) did not catch the fault:\n\(run.transcript)", file: file, line: line)
        XCTAssertTrue(
            suites.contains { $0.package != target.package && $0.tests > 0 && $0.failures + $0.errors == 0 },
            "no file of the copy passed: the copy itself is broken\n\(run.transcript)", file: file, line: line)
        XCTAssertEqual(try runDatabasesOnServer(), [], file: file, line: line)
        return target.cases
    }

    /// Every collection of `database`: its documents in `_id` order, each as canonical
    /// Extended JSON (every type spelled out, key order kept), and its indexes.
    private func snapshot(_ database: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for name in try collectionNames(in: database) {
            try withClient { client in
                let collection = client.collection(name, in: database)
                result[name] = try collection.find([:], options: ["sort": ["_id": 1]]).map { $0.extendedJSON(.canonical) }
                result[name]! += try collection.listIndexes().map { "index " + $0.extendedJSON(.canonical) }
            }
        }
        return result
    }

    /// EarlyBird-shaped data: new orders from the last hour, older Phase 0.7 orders billed
    /// and not, legacy orders without the new fields (one of them delivered, and so invisible
    /// to the billing query), customers with a billed month and Decimal128 totals, a ledger.
    static func seedMonitoring(_ database: String, using client: MongoClient) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func minutesAgo(_ minutes: Int64) -> BSON { .datetime(now - minutes * 60_000) }
        func date(_ text: String) throws -> BSON {
            // A wrapper at the top level is a document; inside one it is a date.
            let value = try ExtendedJSON.parseDocument("{\"d\": {\"$date\": \"\(text)\"}}")["d"]
            guard let value, case .datetime = value else { throw JSONText.Problem(description: "not a date: \(text)") }
            return value
        }
        func money(_ text: String) throws -> BSON { .decimal128(try XCTUnwrap(Decimal128(text))) }

        let orders = client.collection("orders", in: database)
        _ = try orders.insertMany([
            // Created in the last hour, with every Phase 0.7 field.
            ["_id": "o-950", "customer_id": "c-3", "total": try money("18.00"), "status": "pending", "created_at": minutesAgo(10),
             "billed": false, "delivery_confirmed": false, "billed_at": nil, "billed_month": nil, "delivered_at": nil],
            ["_id": "o-951", "customer_id": "c-1", "total": try money("42.00"), "status": "delivered", "created_at": minutesAgo(20),
             "billed": false, "delivery_confirmed": true, "billed_at": nil, "billed_month": nil, "delivered_at": minutesAgo(5)],
            // Earlier: billed in January, and one delivered but not billed yet.
            ["_id": "o-901", "customer_id": "c-1", "total": try money("120.00"), "status": "delivered",
             "created_at": try date("2026-01-10T07:00:00Z"), "billed": true, "delivery_confirmed": true,
             "billed_at": try date("2026-02-01T02:00:00Z"), "billed_month": "2026-01", "delivered_at": try date("2026-01-10T09:00:00Z")],
            ["_id": "o-902", "customer_id": "c-2", "total": try money("64.50"), "status": "delivered",
             "created_at": try date("2026-01-12T07:00:00Z"), "billed": true, "delivery_confirmed": true,
             "billed_at": try date("2026-02-01T02:00:00Z"), "billed_month": "2026-01", "delivered_at": try date("2026-01-12T09:00:00Z")],
            ["_id": "o-903", "customer_id": "c-3", "total": try money("30.25"), "status": "delivered",
             "created_at": try date("2026-01-28T07:00:00Z"), "billed": false, "delivery_confirmed": true,
             "billed_at": nil, "billed_month": nil, "delivered_at": try date("2026-01-28T09:00:00Z")],
            // Legacy, before Phase 0.7: no billing fields at all.
            ["_id": "l-801", "customer_id": "c-2", "total": try money("99.00"), "status": "delivered", "created_at": try date("2025-12-01T07:00:00Z")],
            ["_id": "l-802", "customer_id": "c-3", "total": try money("15.00"), "status": "pending", "created_at": try date("2025-12-02T07:00:00Z"),
             "items": [["product": "Milk 1L", "quantity": .int64(2), "price": 7.5]]],
        ])
        _ = try orders.createIndex(["status": 1, "billed": 1])

        _ = try client.collection("customers_v2", in: database).insertMany([
            ["_id": "c-1", "name": "Asha Rao", "billing_status": "billed", "total_billed": try money("120.00"), "billed_month": "2026-01"],
            ["_id": "c-2", "name": "Vikram Shah", "billing_status": "billed", "total_billed": try money("64.50"), "billed_month": "2026-01"],
            ["_id": "c-3", "name": "Meera Iyer", "billing_status": "active", "total_billed": try money("0.00"), "billed_month": nil],
        ])
        _ = try client.collection("billing_ledger", in: database).insertMany([
            ["_id": .objectID(ObjectID()), "order_id": "o-901", "customer_id": "c-1", "amount": try money("120.00"), "month": "2026-01",
             "billed_at": try date("2026-02-01T02:00:00Z")],
            ["_id": .objectID(ObjectID()), "order_id": "o-902", "customer_id": "c-2", "amount": try money("64.50"), "month": "2026-01",
             "billed_at": try date("2026-02-01T02:00:00Z")],
        ])
    }
}
