import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight compat` through the built binary, as CI runs it: exit codes, the console,
/// JUnit valid against both schemas, JSON figures, and specs validated before connecting.
final class CompatCommandTests: ScratchServerTestCase {
    private func compat(_ arguments: [String]) throws -> PreflightProcess {
        try PreflightProcess.run(["compat"] + arguments, timeout: 120)
    }

    func testAFailingSpecExitsOneWithEveryCheckReported() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let spec = try writeSpec(CompatOrders.spec, in: folder)
        let before = try canonicalSnapshot(of: database)
        let junit = folder.path + "/reports/junit.xml", json = folder.path + "/reports/compat.json"
        let run = try compat([spec, "--uri", try serverURI, "--database", database, "--junit", junit, "--json", json])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertEqual(try canonicalSnapshot(of: database), before, "compat only reads")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "\(spec) — orders carry the Phase 0.7 billing fields", run.transcript)
        let checks = lines.filter { $0.hasPrefix("  ✓ ") || $0.hasPrefix("  ✗ ") }
            .map { $0.replacingOccurrences(of: #" \(\d+\.\d{3} s\)"#, with: "", options: .regularExpression) }
        XCTAssertEqual(checks, [
            "  ✗ billed", "  ✗ billed_month", "  ✓ billed_at", "  ✗ total", "  ✗ address.city",
            "  ✗ every delivered, unbilled order is visible to the billing query", "  ✓ pending orders are visible to the pending list",
        ], run.transcript)
        XCTAssertTrue(lines.contains("      billed: 4 of 12 documents have a wrong type (string ×2, int ×1, null ×1); samples: l-02, l-03, l-04"), run.transcript)
        XCTAssertEqual(lines.last, "2 passed, 5 failed, 0 skipped")

        JUnitCases.validate(junit)
        let suites = try JUnitReportFile.read(junit)
        XCTAssertEqual(suites.map(\.name), ["orders carry the Phase 0.7 billing fields"])
        XCTAssertEqual(suites.first?.package, SuiteResult.classname(forFile: spec))
        XCTAssertEqual([suites.first?.tests, suites.first?.failures, suites.first?.errors], [7, 5, 0])
        XCTAssertEqual(suites.first?.cases.first { $0.name == "total" }?.message,
                       "total: 1 of 12 documents has a wrong type (string ×1); samples: l-07 — 6 of 12 documents lack it, and it is required; samples: l-01, l-03, l-04")
        XCTAssertTrue(suites.first?.systemOut.contains("✓ billed_at: 12 documents: 3 allowed (date or null), 9 missing (the default null applies), 0 wrong type") ?? false)

        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual((parsed["summary"] as? [String: Any])?["outcome"] as? String, "fail")
        let tests = try XCTUnwrap((parsed["suites"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        XCTAssertEqual(tests.first { $0["name"] as? String == "billed_month" }?["figures"] as? [String: Int], [
            "documents": 12, "allowed": 4, "missing": 7, "wrongType": 1, "wrongType.date": 1, "patternMismatch": 1,
        ])
    }

    /// A reachability rule the server refuses (an unknown operator) errors alone: the
    /// fields are still counted and reported.
    func testARuleTheServerRefusesErrorsAloneAndTheFieldsAreStillCounted() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let spec = try writeSpec("""
            {"preflight": 1, "compat": "one bad rule", "collection": "orders",
             "fields": {"billed_at": {"type": ["date", "null"]}},
             "reachability": [{"name": "bogus", "population": {"status": {"$bogus": 1}}, "query": {"status": "delivered"}}]}
            """, in: folder)
        let junit = folder.path + "/junit.xml"
        let run = try compat([spec, "--uri", try serverURI, "--database", database, "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "error"], "\(cases)")
        XCTAssertTrue(cases.last?.message?.contains("$bogus") ?? false, "\(cases)")
    }

    /// The spec's own `database` is read when --database is not given.
    func testAPassingSpecExitsZeroReadingTheSpecsDatabase() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let spec = try writeSpec(CompatOrders.passingSpec.replacingOccurrences(of: "\"earlybird\"", with: "\"\(database)\""), in: folder)
        let junit = folder.path + "/junit.xml"
        let run = try compat([spec, "--uri", try serverURI, "--junit", junit, "-q"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertEqual(run.standardOutput.split(separator: "\n").last, "2 passed, 0 failed, 0 skipped", run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["passed", "passed"])
    }

    /// Invalid specs stop the command before it connects: exit 2 even with a server that
    /// does not exist, every problem located, and the JUnit report says why.
    func testAnInvalidSpecExitsTwoBeforeConnecting() throws {
        let spec = try writeSpec(#"""
            {"preflight": 1, "compat": "c", "collection": "orders",
             "fields": {"billed": {"type": "bol"}}}
            """#, in: folder)
        let junit = folder.path + "/junit.xml"
        let run = try compat([spec, "--uri", RunCommandTests.unreachable, "--junit", junit])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("\(spec):2:24: fields.billed.type: unknown type `bol`; did you mean `bool`?"), run.transcript)
        XCTAssertTrue(run.standardError.contains("1 problem in 1 file; nothing was read."), run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["error"])
    }

    func testAPatternTheServerRefusesExitsTwo() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let spec = try writeSpec(#"""
            {"preflight": 1, "compat": "c", "collection": "orders",
             "fields": {"billed_month": {"type": ["string", "null"], "pattern": "(?w)\\b2026"}}}
            """#, in: folder)
        let run = try compat([spec, "--uri", try serverURI, "--database", database, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains("\(spec):2:58: fields.billed_month.pattern: the server refuses the pattern"), run.transcript)
        XCTAssertEqual(try JUnitCases.read(folder.path + "/junit.xml").map(\.outcome), ["error"])
    }

    func testAnUnreachableServerExitsThree() throws {
        let spec = try writeSpec(CompatOrders.passingSpec, in: folder)
        let run = try compat([spec, "--uri", RunCommandTests.unreachable, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(run.status, 3, run.transcript)
        XCTAssertTrue(run.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), run.transcript)
        XCTAssertEqual(try JUnitCases.read(folder.path + "/junit.xml").map(\.name), ["server"])
    }

    func testWithoutAURIOrADatabaseItIsAUsageError() throws {
        let spec = try writeSpec(#"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bool"}}}"#, in: folder)
        let noURI = try compat([spec])
        XCTAssertEqual(noURI.status, 64, noURI.transcript)
        XCTAssertTrue(noURI.standardError.contains("preflight compat reads a live database: give its --uri."), noURI.transcript)
        let noDatabase = try compat([spec, "--uri", RunCommandTests.unreachable, "--junit", folder.path + "/junit.xml"])
        XCTAssertEqual(noDatabase.status, 64, noDatabase.transcript)
        XCTAssertTrue(noDatabase.standardError.contains("\(spec) names no database: give --database, or a \"database\" in the spec."), noDatabase.transcript)
    }

    /// The pack's own spec on EarlyBird-shaped orders: the billing fields keep their
    /// types, and delivered legacy orders without `delivery_confirmed` are caught.
    func testThePacksSpecCatchesLegacyOrdersTheBillingQueryNeverSees() throws {
        try withClient { try CompatOrders.seed(database, using: $0) }
        let junit = folder.path + "/junit.xml"
        let run = try compat(["scenarios/earlybird/compat/orders-0.7.json", "--uri", try serverURI, "--database", database, "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.classname), Array(repeating: "scenarios.earlybird.compat.orders-0.7", count: 6))
        XCTAssertEqual(cases.map(\.outcome), ["failure", "passed", "passed", "failure", "passed", "failure"])
        XCTAssertEqual(cases.last?.message, "every delivered, unbilled order is visible to the billing query: 5 of 6 documents of the population are not matched by the query; samples: l-01, l-02, l-03, l-04, l-07")
    }

    /// `preflight check` validates compat specs in the folders it is given.
    func testCheckValidatesCompatSpecs() throws {
        try writeSpec(CompatOrders.spec, in: folder, as: "compat/good.json")
        let valid = try PreflightProcess.run(["check", folder.path])
        XCTAssertEqual(valid.status, 0, valid.transcript)
        XCTAssertTrue(valid.standardOutput.contains("✓ \(folder.path)/compat/good.json: compat spec, 7 checks on orders"), valid.transcript)
        try writeSpec(#"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bool", "default": "no"}}}"#, in: folder, as: "compat/bad.json")
        let invalid = try PreflightProcess.run(["check", folder.path])
        XCTAssertEqual(invalid.status, 2, invalid.transcript)
        XCTAssertTrue(invalid.standardError.contains(#"compat/bad.json:1:95: fields.billed.default: the default "no" (string) is not of the field's types (bool)"#), invalid.transcript)
    }

    func testTheHelpShowsTheEarlyBirdExampleAndTheExitCodes() throws {
        let run = try PreflightProcess.run(["compat", "--help"])
        XCTAssertEqual(run.status, 0, run.transcript)
        for text in ["preflight compat scenarios/earlybird/compat/orders-0.7.json", "--database earlybird",
                     "Exit codes: 0 every check passed; 1 a check failed", "3 the server cannot be reached", "64 usage", "--junit", "--json"] {
            XCTAssertTrue(run.standardOutput.contains(text), "\(text) is not in the help:\n\(run.standardOutput)")
        }
    }

    /// The pool's connections are named `preflight-compat`, unless the URI names them.
    func testTheConnectionsAreNamedPreflightCompat() throws {
        let run = try CompatRun(uri: try serverURI)
        defer { run.close() }
        XCTAssertEqual(run.pool.appName, "preflight-compat")
    }
}
