import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `CompatScan` against a real scratch server: exact counts and samples on seeded orders,
/// the scope, the suite and its reports, and that nothing but reads is sent.
final class CompatScanTests: ScratchServerTestCase {
    private func spec(_ text: String) throws -> CompatSpec {
        try CompatLoader.load(file: try writeSpec(text, in: folder))
    }

    private func scan(_ text: String) throws -> CompatReport {
        let spec = try spec(text)
        return try withClient { try CompatScan.run(spec, database: database, client: $0) }
    }

    private func field(_ report: CompatReport, _ path: String) throws -> CompatFieldResult {
        try XCTUnwrap(report.fields.first { $0.field.path == path }, "no field \(path)")
    }

    // MARK: - Counts

    func testEveryCountAndSampleIsExact() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let report = try scan(CompatOrders.spec)
        XCTAssertEqual(report.documents, 12)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failedChecks, 5)

        let billed = try field(report, "billed")
        XCTAssertEqual([billed.allowed, billed.missing, billed.wrongType, billed.patternMismatches], [5, 3, 4, 0])
        XCTAssertEqual(billed.wrongTypes.map { "\($0.type)=\($0.count)" }, ["string=2", "int=1", "null=1"])
        XCTAssertEqual(billed.wrongTypeSamples, ["l-02", "l-03", "l-04"], "the first three of four, in _id order")
        XCTAssertFalse(billed.passed)
        XCTAssertEqual(billed.message, "billed: 4 of 12 documents have a wrong type (string ×2, int ×1, null ×1); samples: l-02, l-03, l-04")

        // null is allowed by the list; a date is a wrong type; "2026-1" is a string the pattern rejects.
        let month = try field(report, "billed_month")
        XCTAssertEqual([month.allowed, month.missing, month.wrongType, month.patternMismatches], [4, 7, 1, 1])
        XCTAssertEqual(month.wrongTypeSamples, ["l-05"])
        XCTAssertEqual(month.patternSamples, ["l-06"])
        XCTAssertEqual(
            month.message,
            "billed_month: 1 of 12 documents has a wrong type (date ×1); samples: l-05 — 1 of 12 documents does not match the pattern ^[0-9]{4}-[0-9]{2}$; samples: l-06")

        let billedAt = try field(report, "billed_at")
        XCTAssertEqual([billedAt.allowed, billedAt.missing, billedAt.wrongType], [3, 9, 0])
        XCTAssertTrue(billedAt.passed, "missing fields take their default")
        XCTAssertEqual(billedAt.wrongTypeSamples, [])

        // int32, int64, double and decimal are all `number`; a string is not; missing fails a required field.
        let total = try field(report, "total")
        XCTAssertEqual([total.allowed, total.missing, total.wrongType], [5, 6, 1])
        XCTAssertEqual(total.missingSamples, ["l-01", "l-03", "l-04"])
        XCTAssertEqual(
            total.message,
            "total: 1 of 12 documents has a wrong type (string ×1); samples: l-07 — 6 of 12 documents lack it, and it is required; samples: l-01, l-03, l-04")

        // A path through an array is reported as an array, on mongod and SecantusDB alike.
        let city = try field(report, "address.city")
        XCTAssertEqual([city.allowed, city.missing, city.wrongType], [1, 10, 1])
        XCTAssertEqual(city.wrongTypes.map(\.type), ["array"])
        XCTAssertEqual(city.wrongTypeSamples, ["o-02"])

        let billing = try XCTUnwrap(report.reachability.first)
        XCTAssertEqual([billing.population, billing.notMatched], [6, 5])
        XCTAssertEqual(billing.samples, ["l-01", "l-02", "l-03"])
        XCTAssertEqual(
            billing.message,
            "every delivered, unbilled order is visible to the billing query: 5 of 6 documents of the population are not matched by the query; samples: l-01, l-02, l-03")
        let pending = try XCTUnwrap(report.reachability.last)
        XCTAssertEqual([pending.population, pending.notMatched], [3, 0])
        XCTAssertTrue(pending.passed)
        XCTAssertEqual(pending.samples, [])

        XCTAssertEqual(report.summary, """
            orders carry the Phase 0.7 billing fields: 5 of 7 checks failed: \
            billed: 4 documents with a wrong type (string ×2, int ×1, null ×1); \
            billed_month: 1 document with a wrong type (date ×1), 1 document not matching the pattern; \
            total: 1 document with a wrong type (string ×1), 6 documents without it (required); \
            address.city: 1 document with a wrong type (array ×1); \
            every delivered, unbilled order is visible to the billing query: 5 of 6 documents not matched by the query
            """)
    }

    /// A scope restricts every count, the rules' populations included; an order without
    /// `created_at` is outside a `$gte` scope.
    func testTheScopeRestrictsEveryCount() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let report = try scan(CompatOrders.scopedSpec)
        XCTAssertEqual(report.documents, 4)
        XCTAssertEqual(report.fields.map(\.passed), [true, true, true, true, false])
        XCTAssertEqual(report.fields.map(\.documents), [4, 4, 4, 4, 4])
        XCTAssertEqual(try field(report, "billed_month").missing, 1)
        XCTAssertEqual(report.reachability.map(\.population), [1, 2])
        XCTAssertEqual(report.reachability.map(\.notMatched), [0, 0])
        XCTAssertEqual(
            report.summary,
            "orders carry the Phase 0.7 billing fields: 1 of 7 checks failed: address.city: 1 document with a wrong type (array ×1)")
    }

    /// Thousands of documents, counted exactly, the samples the first by `_id`.
    func testCountsAreExactOnThousandsOfDocuments() throws {
        var documents: [BSONDocument] = []
        var expected = (allowed: 0, missing: 0, string: 0, long: 0)
        var wrongIDs: [Int] = []
        for number in 0..<2_500 {
            var document: BSONDocument = ["_id": .int32(Int32(number))]
            if number % 10 == 0 {
                expected.missing += 1
            } else if number % 7 == 0 {
                document["billed"] = "no"
                expected.string += 1
                wrongIDs.append(number)
            } else if number % 13 == 0 {
                document["billed"] = .int64(0)
                expected.long += 1
                wrongIDs.append(number)
            } else {
                document["billed"] = .bool(number % 2 == 0)
                expected.allowed += 1
            }
            documents.append(document)
        }
        try withClient { _ = try $0.collection("orders", in: database).insertMany(documents) }
        let report = try scan(#"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bool"}}}"#)
        let billed = try field(report, "billed")
        XCTAssertEqual(report.documents, 2_500)
        XCTAssertEqual([billed.allowed, billed.missing, billed.wrongType], [expected.allowed, expected.missing, expected.string + expected.long])
        XCTAssertEqual(billed.wrongTypes.map { "\($0.type)=\($0.count)" }, ["string=\(expected.string)", "long=\(expected.long)"])
        XCTAssertEqual(billed.wrongTypeSamples, wrongIDs.prefix(5).map { .int32(Int32($0)) })
        XCTAssertEqual(billed.message, "billed: \(billed.wrongType) of 2,500 documents have a wrong type (string ×\(expected.string), long ×\(expected.long)); samples: " + wrongIDs.prefix(5).map(String.init).joined(separator: ", "))
    }

    /// No documents, or no collection at all: every check passes over nothing, so the scan
    /// fails as a whole ("nothing was checked") unless the spec says why it may be empty.
    func testAnEmptyOrMissingCollectionChecksNothingAndFailsUnlessAllowed() throws {
        let report = try scan(CompatOrders.spec)
        XCTAssertFalse(report.passed)
        XCTAssertTrue(report.checkedNothing)
        XCTAssertEqual(report.documents, 0)
        XCTAssertEqual(report.fields.map(\.missing), [0, 0, 0, 0, 0])
        XCTAssertTrue(report.summary.hasPrefix("orders carry the Phase 0.7 billing fields: nothing was checked: \(database).orders holds no document"), report.summary)
        let suite = report.suiteResult(timestamp: Date(), duration: 0)
        XCTAssertEqual(suite.tests.first?.name, "the scope holds documents")
        XCTAssertEqual(suite.failures, 1)

        let allowed = try scan(#"{"preflight": 1, "compat": "c", "collection": "orders", "allowEmpty": "no orders before launch", "fields": {"billed": {"type": "bool"}}}"#)
        XCTAssertTrue(allowed.passed, allowed.summary)
        XCTAssertEqual(allowed.suiteResult(timestamp: Date(), duration: 0).failures, 0)
    }

    // MARK: - Reads only

    /// Only aggregate and find (and cursor plumbing) are sent, on a failing scan that reads
    /// samples and the breakdown too; the data, the indexes and the list of databases are
    /// unchanged, byte for byte.
    func testAScanSendsOnlyReadsAndChangesNothing() throws {
        try withClient { client in
            try CompatOrders.seed(database, using: client)
            _ = try client.collection("orders", in: database).createIndex(["status": 1, "billed": 1])
        }
        let before = try canonicalSnapshot(of: database)
        let events = EventLog()
        let pool = try ConnectionPool(uri: try serverURI, monitor: CommandMonitor { events.append($0) }, appName: CompatScan.appName)
        defer { pool.close() }
        let spec = try spec(CompatOrders.spec)
        let report = try pool.withClient { try CompatScan.run(spec, database: database, client: $0) }
        XCTAssertFalse(report.passed)
        let sent = events.all.compactMap { event -> (String, BSONDocument)? in
            if case .started(let command, _) = event.outcome { return (event.commandName, command.document) }
            return nil
        }
        XCTAssertEqual(Set(sent.map(\.0)).subtracting(["aggregate", "find", "getMore", "killCursors", "endSessions"]), [])
        // One counting aggregation, one breakdown of the wrong types, two counts per rule.
        XCTAssertEqual(sent.filter { $0.0 == "aggregate" }.count, 1 + 1 + 2 * 2)
        for (name, command) in sent where name == "aggregate" {
            let stages = command["pipeline"]?.arrayValue ?? []
            XCTAssertFalse(stages.contains { $0.documentValue?["$out"] != nil || $0.documentValue?["$merge"] != nil }, "\(command)")
        }
        let counting = try XCTUnwrap(sent.first { $0.0 == "aggregate" }?.1["pipeline"]?.arrayValue)
        XCTAssertEqual(counting.compactMap { $0.documentValue?.keys.first }, ["$project", "$group"], "one pass: the types, then one $group")
        XCTAssertEqual(try canonicalSnapshot(of: database), before)
    }

    /// A passing scan is one aggregation and the rules' counts: nothing is read again.
    func testAPassingScanIsOneAggregationForAllFields() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let events = EventLog()
        let pool = try ConnectionPool(uri: try serverURI, monitor: CommandMonitor { events.append($0) })
        defer { pool.close() }
        let spec = try spec(CompatOrders.passingSpec)
        let report = try pool.withClient { try CompatScan.run(spec, database: database, client: $0) }
        XCTAssertTrue(report.passed, report.summary)
        XCTAssertEqual(events.all.compactMap { if case .started = $0.outcome { $0.commandName } else { nil } }, ["aggregate"])
    }

    // MARK: - Failures to read

    /// `(?w)` compiles in ICU (here) but neither mongod's PCRE nor SecantusDB's engine takes
    /// it: the server's refusal is reported where the pattern is written, like a load error.
    func testAPatternTheServerRefusesIsReportedAtItsPlace() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let text = #"""
            {"preflight": 1, "compat": "c", "collection": "orders",
             "fields": {"billed_month": {"type": ["string", "null"], "pattern": "(?w)\\b2026"}}}
            """#
        let spec = try spec(text)
        do {
            _ = try withClient { try CompatScan.run(spec, database: database, client: $0) }
            XCTFail("the server took a pattern it refuses")
        } catch let error as CompatScanError {
            guard case .patternRefused(let problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem.file, spec.file)
            XCTAssertEqual([problem.line, problem.column], [2, 58])
            XCTAssertEqual(problem.path?.description, "fields.billed_month.pattern")
            XCTAssertTrue(problem.message.hasPrefix(#"the server refuses the pattern "(?w)\\b2026": "#), problem.message)
        }
    }

    func testAFilterTheServerRefusesIsAReadFailureAndAnAbsentServerIsUnreachable() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let spec = try spec(#"{"preflight": 1, "compat": "c", "collection": "orders", "scope": {"$bogus": 1}, "fields": {"billed": {"type": "bool"}}}"#)
        XCTAssertThrowsError(try withClient { try CompatScan.run(spec, database: database, client: $0) }) { error in
            guard case .readFailed(let reading, let mongoError)? = error as? CompatScanError else { return XCTFail("\(error)") }
            XCTAssertEqual(reading, "counting the fields of \(database).orders")
            XCTAssertEqual(mongoError.kind, .server)
            XCTAssertFalse((error as? CompatScanError)?.isUnreachable ?? true)
        }
        let absent = try ConnectionPool(uri: RunCommandTests.unreachable)
        defer { absent.close() }
        XCTAssertThrowsError(try absent.withClient { try CompatScan.run(spec, database: database, client: $0) }) { error in
            XCTAssertTrue((error as? CompatScanError)?.isUnreachable ?? false, "\(error)")
        }
    }

    // MARK: - The suite

    /// A test case per field and rule, failures with counts and samples, passing counts in
    /// `<system-out>`, figures for the JSON report; valid against both JUnit schemas.
    func testTheSuiteCarriesEveryCheckAndValidates() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let report = try scan(CompatOrders.spec)
        let suite = report.suiteResult(timestamp: Date(), duration: 0.25)
        XCTAssertEqual(suite.name, "orders carry the Phase 0.7 billing fields")
        XCTAssertEqual(suite.classname, SuiteResult.classname(forFile: report.spec.file))
        XCTAssertEqual(suite.tests.map(\.name), [
            "billed", "billed_month", "billed_at", "total", "address.city",
            "every delivered, unbilled order is visible to the billing query", "pending orders are visible to the pending list",
        ])
        XCTAssertEqual([suite.passed, suite.failures, suite.errors], [2, 5, 0])
        guard case .failed(let problem) = suite.tests[0].outcome else { return XCTFail("billed should fail") }
        XCTAssertEqual(problem.type, "compat")
        XCTAssertEqual(problem.message, "billed: 4 of 12 documents have a wrong type (string ×2, int ×1, null ×1); samples: l-02, l-03, l-04")
        XCTAssertTrue(problem.details.contains(#"samples:    "l-02", "l-03", "l-04" (wrong type)"#), problem.details)
        XCTAssertTrue(suite.systemOut.contains("✓ billed_at: 12 documents: 3 allowed (date or null), 9 missing (the default null applies), 0 wrong type"), suite.systemOut)
        XCTAssertTrue(suite.systemOut.contains("✓ pending orders are visible to the pending list: 3 documents in the population, 0 not matched by the query"), suite.systemOut)
        XCTAssertEqual(suite.tests[0].figures.map { "\($0.name)=\($0.value)" }, [
            "documents=12", "allowed=5", "missing=3", "wrongType=4", "wrongType.string=2", "wrongType.int=1", "wrongType.null=1",
        ])
        XCTAssertEqual(suite.tests[1].figures.last.map { "\($0.name)=\($0.value)" }, "patternMismatch=1")
        XCTAssertEqual(suite.tests[5].figures.map { "\($0.name)=\($0.value)" }, ["population=6", "notMatched=5"])

        let reports = try TemporaryDirectory()
        try JUnitReport(suites: [suite]).write(to: reports.path + "/junit.xml")
        JUnitCases.validate(reports.path + "/junit.xml")
        let cases = try JUnitCases.read(reports.path + "/junit.xml")
        XCTAssertEqual(cases.map(\.outcome), ["failure", "failure", "passed", "failure", "failure", "failure", "passed"])
        XCTAssertEqual(Set(cases.map(\.classname)), [suite.classname])

        let json = JSONReport(suites: [suite], startedAt: Date(), duration: 0.25).json()
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let tests = try XCTUnwrap(((parsed["suites"] as? [[String: Any]])?.first?["tests"]) as? [[String: Any]])
        XCTAssertEqual(tests[0]["figures"] as? [String: Int], [
            "documents": 12, "allowed": 5, "missing": 3, "wrongType": 4, "wrongType.string": 2, "wrongType.int": 1, "wrongType.null": 1,
        ])
        XCTAssertEqual(tests[6]["figures"] as? [String: Int], ["population": 3, "notMatched": 0])
    }
}
