import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight gate` through the built binary, as CI runs it: the EarlyBird checklist GO on
/// its snapshot and NO-GO without the backfill, a gate against a live database that leaves
/// it byte for byte as it was, and `--baseline`.
final class GateCommandTests: ScratchServerTestCase {
    static let earlyBird = "scenarios/earlybird/checklists/phase-0.7.json"

    /// Delivered, unbilled orders of the snapshot that the billing query
    /// (`delivery_confirmed: true`) never reaches, counted here from the files, not by Preflight
    /// (769 today).
    private func unreachableOrdersInTheSnapshot() throws -> Int {
        let text = try String(contentsOfFile: EarlyBirdPack.absolute("scenarios/earlybird/snapshot/orders.ndjson"), encoding: .utf8)
        var count = 0
        for line in text.split(separator: "\n") where !line.isEmpty {
            let order = try ExtendedJSON.parseDocument(String(line))
            if order["status"]?.stringValue == "delivered" && order["billed"]?.boolValue != true
                && order["delivery_confirmed"]?.boolValue != true { count += 1 }
        }
        return count
    }

    /// The EarlyBird checklist is GO on its snapshot only because 0007 is pending: the same
    /// checklist without its migrations section is NO-GO, naming the compat spec and the
    /// delivered orders the billing query never reaches. Both gates run at once, each on a
    /// scratch server of its own.
    func testTheEarlyBirdChecklistIsGOWithTheBackfillAndNOGOWithoutIt() throws {
        let unreachable = try unreachableOrdersInTheSnapshot()
        XCTAssertGreaterThan(unreachable, 0, "the snapshot must hold legacy orders the billing query misses")
        let copy = try EarlyBirdCopy()
        let checklistCopy = copy.root + "/checklists/phase-0.7.json"
        let text = try String(contentsOfFile: checklistCopy, encoding: .utf8)
        let withoutMigrations = try JSONText.removingMember("migrations", from: text, within: text.startIndex..<text.endIndex)
        XCTAssertNil(try ExtendedJSON.parseDocument(withoutMigrations)["migrations"], withoutMigrations)
        // The sandbox scenarios pass either way and the GO gate runs them: the NO-GO one
        // keeps the monitoring files, which read the snapshot the missing backfill leaves.
        let sandboxFolders = #""../phase-0.7/*.json",\#n    "../phase-0.7-app/*.json",\#n    "../incidents/*.json",\#n    "#
        XCTAssertTrue(withoutMigrations.contains(sandboxFolders), withoutMigrations)
        let monitoringOnly = withoutMigrations.replacingOccurrences(of: sandboxFolders, with: "")
        try Data(monitoringOnly.utf8).write(to: URL(fileURLWithPath: checklistCopy))

        let junit = folder.path + "/gate.xml", json = folder.path + "/gate.json"
        let goProcess = try PreflightProcess(["gate", Self.earlyBird, "--junit", junit, "--json", json])
        let noGoProcess = try PreflightProcess(["gate", checklistCopy, "--junit", folder.path + "/nogo.xml", "--json", folder.path + "/nogo.json"])
        XCTAssertTrue(goProcess.waitForExit(timeout: 300), goProcess.transcript)
        XCTAssertTrue(noGoProcess.waitForExit(timeout: 300), noGoProcess.transcript)
        let go = BinaryRun(arguments: goProcess.arguments, status: goProcess.status, standardOutput: goProcess.standardOutput,
                           standardError: goProcess.standardError)
        let noGo = BinaryRun(arguments: noGoProcess.arguments, status: noGoProcess.status, standardOutput: noGoProcess.standardOutput,
                             standardError: noGoProcess.standardError)

        // GO, against the snapshot, the compat spec and the backlog fixed by 0007.
        XCTAssertEqual(go.status, 0, go.transcript)
        XCTAssertEqual(go.verdictLines.count, 2, go.transcript)
        for line in go.verdictLines {
            XCTAssertTrue(line.hasPrefix("GO — EarlyBird Phase 0.7 pre-deployment: "), go.transcript)
            XCTAssertTrue(line.hasSuffix("3 fixed by pending migrations; 0 blocking, 0 not blocking (against the scratch snapshot, not a live server)"), line)
        }
        XCTAssertEqual(go.lines(under: "Blocking:"), [], go.transcript)
        let compatLine = try XCTUnwrap(go.lines.first { $0.hasPrefix("↻ compat scenarios/earlybird/compat/orders-0.7.json: ") }, go.transcript)
        XCTAssertTrue(compatLine.contains(" — fixed by 0007 backfill the Phase 0.7 billing fields (verified on a whole copy of "), compatLine)
        let backlog = try XCTUnwrap(go.lines.first {
            $0.hasPrefix("↻ scenarios scenarios/earlybird/monitoring/billable-backlog.json::no delivered, unbilled order is invisible to the billing query: ")
        }, go.transcript)
        XCTAssertTrue(backlog.contains("expected a value less than or equal to 0, got \(unreachable) — fixed by 0007"), backlog)
        XCTAssertEqual(go.lines(under: "Fixed by the pending migrations:").count, 3, go.transcript)

        JUnitCases.validate(junit)
        let suites = try JUnitReportFile.read(junit)
        XCTAssertEqual(suites.map(\.name), ["server", "scenarios", "compat", "migrations"].map { "gate \($0): EarlyBird Phase 0.7 pre-deployment" })
        XCTAssertEqual(suites.flatMap(\.cases).filter { $0.outcome != "passed" }, [], "a GO gate's report is all green")
        XCTAssertEqual(suites.first { $0.name.hasPrefix("gate compat") }?.cases.map(\.name), ["scenarios/earlybird/compat/orders-0.7.json"])

        let evidence = try GateEvidenceFile(json)
        XCTAssertEqual(evidence.verdict, "GO")
        XCTAssertEqual(evidence.reasons, [])
        XCTAssertEqual(evidence.server["against"] as? String, "scratch snapshot")
        XCTAssertEqual(evidence.server["database"] as? String, "earlybird")
        XCTAssertGreaterThan(evidence.items.count, 30)
        XCTAssertEqual(Set(evidence.items.compactMap { $0["outcome"] as? String }), ["passed", "failed"])
        for item in evidence.items {
            XCTAssertTrue(["passed", "failed", "unknown"].contains(item["outcome"] as? String ?? ""), "\(item)")
            XCTAssertEqual(item["blocks"] as? Bool, false, "\(item)")
        }
        let compat = try XCTUnwrap(evidence.item("compat", "scenarios/earlybird/compat/orders-0.7.json"))
        XCTAssertEqual(compat["outcome"] as? String, "failed")
        XCTAssertTrue((compat["fixedBy"] as? String ?? "").hasPrefix("0007 backfill the Phase 0.7 billing fields"), "\(compat)")
        let figures = try XCTUnwrap(compat["figures"] as? [String: Int])
        XCTAssertEqual(figures["every delivered, unbilled order is visible to the billing query.notMatched"], unreachable)
        XCTAssertEqual(figures["after.every delivered, unbilled order is visible to the billing query.notMatched"], 0)
        XCTAssertEqual(evidence.item("server", "minVersion")?["outcome"] as? String, "passed")
        XCTAssertEqual(evidence.item("migrations", "0007 backfill the Phase 0.7 billing fields: down restores the snapshot exactly")?["outcome"] as? String, "passed")

        // Without the migrations section: NO-GO, the compat spec and the unreachable orders named.
        XCTAssertEqual(noGo.status, 1, noGo.transcript)
        XCTAssertEqual(noGo.verdictLines.count, 2, noGo.transcript)
        for line in noGo.verdictLines {
            XCTAssertTrue(line.hasPrefix("NO-GO — EarlyBird Phase 0.7 pre-deployment: "), noGo.transcript)
            XCTAssertTrue(line.hasSuffix("0 fixed by pending migrations; 3 blocking, 0 not blocking (against the scratch snapshot, not a live server)"), line)
        }
        let blocking = noGo.lines(under: "Blocking:")
        let compatReason = try XCTUnwrap(blocking.first { $0.hasPrefix("  ✗ compat \(copy.root)/compat/orders-0.7.json: ") }, noGo.transcript)
        XCTAssertTrue(compatReason.contains("every delivered, unbilled order is visible to the billing query: \(unreachable) of "), compatReason)
        XCTAssertTrue(blocking.contains { $0.contains("billable-backlog.json::no delivered, unbilled order is invisible to the billing query: ")
            && $0.hasSuffix("got \(unreachable)") }, noGo.transcript)
        XCTAssertEqual(noGo.lines(under: "Fixed by the pending migrations:"), [], noGo.transcript)
        let noGoEvidence = try GateEvidenceFile(folder.path + "/nogo.json")
        XCTAssertEqual(noGoEvidence.verdict, "NO-GO")
        XCTAssertTrue(noGoEvidence.reasons.contains { $0.hasPrefix("compat \(copy.root)/compat/orders-0.7.json: ") }, "\(noGoEvidence.reasons)")
        JUnitCases.validate(folder.path + "/nogo.xml")
    }

    /// A gate with --uri only reads the real database: every document of every collection,
    /// the indexes and the list of databases are the same afterwards (no `pf_` sandbox left),
    /// though the gate ran a sandbox scenario and verified a migration on a copy.
    func testAGateAgainstALiveDatabaseLeavesItExactlyAsItWas() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let before = try canonicalSnapshot(of: database)
        let json = folder.path + "/gate.json", junit = folder.path + "/gate.xml"
        let run = try runBinary(["gate", GateFixtures.release, "--uri", try serverURI(naming: database), "--json", json, "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.lines.contains("· checking the database \(database) (from the URI; the checklist names shop)"), run.transcript)
        XCTAssertEqual(try canonicalSnapshot(of: database), before, "the gate wrote to the live database")
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")

        // Every section ran, so the sandboxes and the copy were really made.
        let evidence = try GateEvidenceFile(json)
        XCTAssertEqual(evidence.verdict, "GO", "\(evidence.reasons)")
        XCTAssertEqual(evidence.server["against"] as? String, "live server")
        XCTAssertEqual(evidence.server["database"] as? String, database)
        let shop = GateFixtures.root + "/shop/"
        XCTAssertEqual(evidence.outcomes, [
            "server minVersion": "passed", "server featureCompatibilityVersion": "passed", "server topology": "passed",
            "server collections": "passed", "server indexes": "passed", "server indexBuilds": "unknown",
            "compat \(shop)orders-compat.json": "passed",
            "scenarios \(shop)mark-delivered.json::an order is marked delivered": "passed",
            "scenarios \(shop)live-orders.json::at least minOrders orders were placed": "passed",
            "scenarios \(shop)live-orders.json::every order has a status": "passed",
            "scenarios \(shop)live-orders.json::the collections it reads hold documents": "passed",
            "migrations 0001 default billed: up succeeds": "passed",
            "migrations 0001 default billed: up keeps every collection's document count": "passed",
            "migrations 0001 default billed: up changes only the fields declared in changes": "passed",
            "migrations 0001 default billed: the compat spec passes after up": "passed",
            "migrations 0001 default billed: up is idempotent: a second up changes nothing": "passed",
            "migrations 0001 default billed: down restores the snapshot exactly": "passed",
            "migrations the pending migrations, applied in order": "passed",
        ])
        XCTAssertEqual(evidence.item("migrations", "0001 default billed: up succeeds")?["reason"] as? String, "on a whole copy of orders (3 documents)")
        XCTAssertTrue((evidence.json["notes"] as? [String] ?? []).contains("after 0001 default billed: checked on a whole copy of orders (3 documents)"),
                      "\(evidence.json["notes"] ?? "")")
        JUnitCases.validate(junit)
    }

    /// --baseline names what moved since an earlier gate: the console and the new evidence.
    func testABaselineNamesTheFiguresThatMoved() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let uri = try serverURI(naming: database)
        let first = folder.path + "/first.json", second = folder.path + "/second.json"
        let before = try runBinary(["gate", GateFixtures.release, "--uri", uri, "--json", first, "--junit", folder.path + "/1.xml"])
        XCTAssertEqual(before.status, 0, before.transcript)
        XCTAssertEqual(before.lines.filter { $0.hasPrefix("Since ") }, [], "no baseline, no changes: \(before.transcript)")

        // An order written by an old client, billed as a string.
        try withClient { _ = try $0.collection("orders", in: database).insertOne(["_id": "o-4", "status": "pending", "billed": "no"]) }
        let after = try runBinary(["gate", GateFixtures.release, "--uri", uri, "--json", second, "--baseline", first,
                                   "--junit", folder.path + "/2.xml"])
        XCTAssertEqual(after.status, 1, after.transcript)
        let spec = "compat \(GateFixtures.compatSpec)"
        let changes = after.lines(under: "Since \(first) (GO):")
        XCTAssertTrue(changes.contains("  \(spec): documents 3 → 4"), after.transcript)
        XCTAssertTrue(changes.contains("  \(spec): billed.wrongType 0 → 1"), after.transcript)
        XCTAssertTrue(changes.contains { $0.hasPrefix("  newly blocking: \(spec): ") }, after.transcript)

        let evidence = try GateEvidenceFile(second)
        let since = try XCTUnwrap(evidence.json["sinceBaseline"] as? [String: Any], "\(evidence.json.keys)")
        XCTAssertEqual(since["baseline"] as? String, first)
        XCTAssertEqual(since["baselineVerdict"] as? String, "GO")
        let moved = try XCTUnwrap(since["figuresMoved"] as? [[String: Any]])
        func movedFigure(_ figure: String) -> [String: Any]? {
            moved.first { $0["item"] as? String == spec && $0["figure"] as? String == figure }
        }
        XCTAssertEqual(movedFigure("billed.wrongType")?["before"] as? Int, 0, "\(moved)")
        XCTAssertEqual(movedFigure("billed.wrongType")?["after"] as? Int, 1, "\(moved)")
        XCTAssertEqual(movedFigure("documents")?["after"] as? Int, 4, "\(moved)")
        XCTAssertNil(movedFigure("status.wrongType"), "a figure that did not move is not listed")
        XCTAssertTrue((since["newlyBlocking"] as? [String] ?? []).contains { $0.hasPrefix("\(spec): ") }, "\(since)")
    }

    /// Reports written into the folder that is searched (`run . --json reports/run.json`,
    /// a gate's evidence beside them) are set aside by the next `check` and `run`, which
    /// failed on them before; named on its own, a report is refused.
    func testReportsInTheSearchedFolderAreNotReadAsScenarios() throws {
        let project = folder.path + "/project", reports = folder.path + "/project/reports"
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: GateFixtures.absolute(GateFixtures.root + "/shop/mark-delivered.json"), toPath: project + "/mark-delivered.json")
        let runReport = reports + "/run.json", gateReport = reports + "/gate.json", junit = folder.path + "/junit.xml"
        for _ in 1...2 {
            let run = try runBinary(["run", project, "--uri", try serverURI, "--json", runReport, "--junit", junit])
            XCTAssertEqual(run.status, 0, run.transcript)
            XCTAssertEqual(run.lastLine, "1 passed, 0 failed, 0 skipped", run.transcript)
        }
        try withClient { try GateShop.seed(database, using: $0) }
        let gate = try runBinary(["gate", GateFixtures.release, "--uri", try serverURI(naming: database), "--json", gateReport, "--junit", junit])
        XCTAssertEqual(gate.status, 0, gate.transcript)

        let check = try runBinary(["check", project])
        XCTAssertEqual(check.status, 0, check.transcript)
        XCTAssertEqual(check.lines, [
            "✓ \(project)/mark-delivered.json: 1 test (sandbox)",
            "· \(gateReport): Preflight report (written by --json), not a scenario",
            "· \(runReport): Preflight report (written by --json), not a scenario",
            "1 scenario file valid, 1 test.",
        ], check.transcript)
        for report in [runReport, gateReport] {
            let named = try runBinary(["run", report, "--uri", try serverURI, "--junit", junit])
            XCTAssertEqual(named.status, 2, named.transcript)
            XCTAssertTrue(named.standardError.contains("\(report): is a Preflight report (written by --json), not a scenario"), named.transcript)
        }
    }
}
