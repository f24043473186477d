import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The checklist's `server` section end to end: on a scratch server loaded with a snapshot
/// of the test's own (missing and different indexes, a version and a topology the server
/// does not have, a warning that does not block), and on the class server, where
/// SecantusDB cannot show index builds (an unknown that blocks unless `onUnknown` warns).
final class GateServerSectionTests: ScratchServerTestCase {
    func testRequirementsTheServerDoesNotMeetAreNOGOEachNamed() throws {
        let json = folder.path + "/gate.json", junit = folder.path + "/junit.xml"
        let run = try runBinary(["gate", GateFixtures.serverUnmet, "--json", json, "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(run.lines.contains("· scratch server loaded with the snapshot: orders 2 documents"), run.transcript)
        XCTAssertEqual(run.verdictLines.count, 2, run.transcript)
        XCTAssertTrue(run.verdictLines.allSatisfy {
            $0.hasPrefix("NO-GO — a release the snapshot's server does not meet: 2 passed, 3 failed, 0 unknown")
                && $0.hasSuffix("(against the scratch snapshot, not a live server)")
        }, run.transcript)
        let blocking = run.lines(under: "Blocking:")
        XCTAssertEqual(blocking.count, 3, run.transcript)
        let version = try XCTUnwrap(blocking.first { $0.hasPrefix("  ✗ server minVersion: ") }, run.transcript)
        XCTAssertTrue(version.hasSuffix("; the release needs at least 99.0"), version)
        XCTAssertTrue(blocking.contains("  ✗ server topology: the topology is replicaset; the release needs sharded"), run.transcript)
        XCTAssertTrue(blocking.contains(
            #"  ✗ server indexes: 2 of 3 required indexes are missing or different: orders {"sku":1} is missing; orders {"customer_id":1} (unique: true) differs: the index "customer_id_1" on that key has unique: false"#),
            run.transcript)

        let evidence = try GateEvidenceFile(json)
        XCTAssertEqual(evidence.verdict, "NO-GO")
        XCTAssertEqual(evidence.outcomes, [
            "server minVersion": "failed", "server topology": "failed", "server collections": "passed", "server indexes": "failed",
            "server indexBuilds": "passed",
        ])
        XCTAssertEqual(evidence.items.filter { $0["blocks"] as? Bool == true }.compactMap { $0["name"] as? String },
                       ["minVersion", "topology", "indexes"])
        XCTAssertEqual(evidence.reasons.count, 3, "\(evidence.reasons)")
        // The index the snapshot has and the checklist asks for is found by its key.
        XCTAssertTrue((evidence.item("server", "indexes")?["details"] as? String ?? "").contains(#"✓ orders {"status":1,"billed":1}: status_1_billed_1"#),
                      "\(evidence.item("server", "indexes") ?? [:])")
        JUnitCases.validate(junit)
        let cases = try JUnitReportFile.read(junit).flatMap(\.cases)
        XCTAssertEqual(cases.map(\.name), ["minVersion", "topology", "collections", "indexes", "indexBuilds"])
        XCTAssertEqual(cases.map(\.outcome), ["failure", "failure", "passed", "failure", "passed"])
    }

    /// A failure with `"severity": "warn"` and a reason is listed, with the reason, and does not block.
    func testAWarnedFailureIsGOAndListedWithItsReason() throws {
        let json = folder.path + "/gate.json", junit = folder.path + "/junit.xml"
        let run = try runBinary(["gate", GateFixtures.serverWarned, "--json", json, "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.verdictLines.allSatisfy { $0.hasPrefix("GO — a release that only warns about the server's version: 3 passed, 1 failed") },
                      run.transcript)
        XCTAssertEqual(run.lines(under: "Blocking:"), [], run.transcript)
        let warnings = run.lines(under: "Not blocking:")
        XCTAssertEqual(warnings.count, 1, run.transcript)
        XCTAssertTrue(warnings.first?.hasPrefix("  ⚠ server minVersion: the server runs ") ?? false, run.transcript)
        XCTAssertTrue(warnings.first?.hasSuffix("; the release needs at least 99.0 (does not block: the upgrade to 99.0 is booked for March)") ?? false,
                      run.transcript)

        let item = try XCTUnwrap(try GateEvidenceFile(json).item("server", "minVersion"))
        XCTAssertEqual(item["outcome"] as? String, "failed")
        XCTAssertEqual(item["blocks"] as? Bool, false)
        XCTAssertEqual(item["severity"] as? String, "warn")
        XCTAssertEqual(item["policyReason"] as? String, "the upgrade to 99.0 is booked for March")
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.first { $0.name == "minVersion" }?.outcome, "skipped", "CI shows it without going red")
    }

    /// On a live SecantusDB, index builds in progress cannot be seen: an unknown, which
    /// blocks, unless the checklist says `"onUnknown": "warn"` with a reason.
    func testAnUnknownBlocksUnlessOnUnknownWarns() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let requirement = #""indexes": {"orders": [{"key": {"status": 1, "billed": 1}}]}"#
        let blocks = try folder.write("blocks.json", """
            {"preflight": 1, "checklist": "indexes", "database": "shop", "server": {\(requirement)}}
            """)
        let warns = try folder.write("warns.json", """
            {"preflight": 1, "checklist": "indexes", "database": "shop", "server": {\(requirement),
             "policies": {"indexBuilds": {"onUnknown": "warn", "reason": "builds are checked by hand before the window"}}}}
            """)
        let junit = folder.path + "/junit.xml"
        let uri = try serverURI(naming: database)

        let blocked = try runBinary(["gate", blocks, "--uri", uri, "--junit", junit])
        XCTAssertEqual(blocked.status, 1, blocked.transcript)
        XCTAssertTrue(blocked.verdictLines.allSatisfy { $0.hasPrefix("NO-GO — indexes: 1 passed, 0 failed, 1 unknown") }, blocked.transcript)
        XCTAssertTrue(blocked.lines.contains("? server indexBuilds: SecantusDB's currentOp does not report index builds, so builds in progress cannot be seen; on a test server, say so: \"server\": {\"policies\": {\"indexBuilds\": {\"onUnknown\": \"warn\", \"reason\": \"…\"}}}"),
                      blocked.transcript)
        // Under the verdict with the mark it had above: a blocking unknown is `?`, not `✗`.
        XCTAssertEqual(blocked.lines(under: "Blocking:").map { String($0.prefix(24)) }, ["  ? server indexBuilds: "], blocked.transcript)
        JUnitCases.validate(junit)
        let unknown = try XCTUnwrap(try JUnitReportFile.read(junit).flatMap(\.cases).first { $0.name == "indexBuilds" })
        XCTAssertEqual([unknown.outcome, unknown.type], ["error", "unknown"])

        let warned = try runBinary(["gate", warns, "--uri", uri, "--junit", junit])
        XCTAssertEqual(warned.status, 0, warned.transcript)
        XCTAssertEqual(warned.lines(under: "Not blocking:"), [
            "  ⚠ server indexBuilds: SecantusDB's currentOp does not report index builds, so builds in progress cannot be seen; on a test server, say so: \"server\": {\"policies\": {\"indexBuilds\": {\"onUnknown\": \"warn\", \"reason\": \"…\"}}} (does not block: builds are checked by hand before the window)",
        ], warned.transcript)
        XCTAssertEqual(try JUnitReportFile.read(junit).flatMap(\.cases).first { $0.name == "indexBuilds" }?.outcome, "skipped")
    }
}
