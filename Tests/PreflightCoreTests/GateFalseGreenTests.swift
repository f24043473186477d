import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Each way a run used to pass having checked nothing now fails: a compat scope with no
/// document, a URI whose database was ignored, a skipped live file, an empty checklist, a
/// live file over an empty database.
final class GateFalseGreenTests: ScratchServerTestCase {
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"

    private var junit: String { folder.path + "/junit.xml" }

    /// A database name nobody created.
    private var emptyDatabase: String { "nosuchdb_" + ObjectID().hex }

    // MARK: - (a) compat over nothing

    func testACompatScopeWithNoDocumentFailsUnlessTheSpecSaysWhyItMayBeEmpty() throws {
        let nosuchdb = emptyDatabase
        let empty = try runBinary(["compat", GateFixtures.compatSpec, "--uri", try serverURI, "--database", nosuchdb, "--junit", junit])
        XCTAssertEqual(empty.status, 1, empty.transcript)
        XCTAssertTrue(empty.standardOutput.contains("nothing was checked: \(nosuchdb).orders holds no document"), empty.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.first?.name, "the scope holds documents")
        XCTAssertEqual(cases.first?.outcome, "failure")

        let specText = try String(contentsOfFile: GateFixtures.absolute(GateFixtures.compatSpec), encoding: .utf8)
        let allowed = specText.replacingOccurrences(
            of: #""collection": "orders","#, with: #""collection": "orders", "allowEmpty": "the shop opens next week","#)
        XCTAssertNotEqual(allowed, specText)
        let spec = try folder.write("allowed-empty.json", allowed)
        let run = try runBinary(["compat", spec, "--uri", try serverURI, "--database", nosuchdb, "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertFalse(run.standardOutput.contains("nothing was checked"), run.transcript)
        XCTAssertEqual(try JUnitCases.read(junit).first.map { [$0.name, $0.outcome] }, ["the scope holds documents", "passed"])
    }

    // MARK: - (b) the URI's database

    /// The orders are only in the database the URI names; the live file and the spec name `shop`.
    func testRunAndCompatReadTheDatabaseTheURINames() throws {
        try withClient { try GateShop.seed(database, using: $0) }
        let named = try serverURI(naming: database)

        let live = try runBinary(["run", GateFixtures.liveFile, "--uri", named, "--var", "minOrders=3", "--junit", junit])
        XCTAssertEqual(live.status, 0, live.transcript)
        XCTAssertTrue(live.lines.contains("· \(GateFixtures.liveFile): reads the database \(database) (from the URI; the file names shop)"), live.transcript)
        XCTAssertEqual(live.lastLine, "3 passed, 0 failed, 0 skipped", live.transcript)
        // The control: without the path, the file's own (empty) database is read, and that fails.
        let own = try runBinary(["run", GateFixtures.liveFile, "--uri", try serverURI, "--var", "minOrders=3", "--junit", junit])
        XCTAssertEqual(own.status, 1, own.transcript)
        XCTAssertTrue(own.standardOutput.contains("nothing was checked: shop.orders holds no document"), own.transcript)

        let json = folder.path + "/compat.json"
        let compat = try runBinary(["compat", GateFixtures.compatSpec, "--uri", named, "--json", json, "--junit", junit])
        XCTAssertEqual(compat.status, 0, compat.transcript)
        XCTAssertTrue(compat.lines.contains("· \(GateFixtures.compatSpec): reads the database \(database) (from the URI; the spec names shop)"), compat.transcript)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let tests = try XCTUnwrap((parsed["suites"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        XCTAssertEqual(tests.first { $0["name"] as? String == "status" }?["figures"] as? [String: Int], ["documents": 3, "allowed": 3, "missing": 0, "wrongType": 0])
        let compatOwn = try runBinary(["compat", GateFixtures.compatSpec, "--uri", try serverURI, "--junit", junit])
        XCTAssertEqual(compatOwn.status, 1, compatOwn.transcript)
        XCTAssertTrue(compatOwn.standardOutput.contains("nothing was checked: shop.orders holds no document"), compatOwn.transcript)

        // --database wins over the URI's.
        let flag = try runBinary(["compat", GateFixtures.compatSpec, "--uri", try serverURI(naming: emptyDatabase), "--database", database,
                                  "--junit", junit])
        XCTAssertEqual(flag.status, 0, flag.transcript)
        XCTAssertTrue(flag.lines.contains("· \(GateFixtures.compatSpec): reads the database \(database) (from --database; the spec names shop)"), flag.transcript)
    }

    /// Two different --database values: the parser would keep the last in silence.
    func testTwoDifferentDatabasesAreAUsageError() throws {
        let message = "--database is given 2 different values (a, b): name one database."
        for arguments in [["run", GateFixtures.liveFile], ["compat", GateFixtures.compatSpec], ["gate", GateFixtures.release]] {
            let run = try runBinary(arguments + ["--uri", Self.unreachable, "--database", "a", "--database", "b", "--junit", junit])
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains(message), run.transcript)
        }
    }

    /// A --baseline that does not exist is a usage error, and the reports say so instead
    /// of keeping the last run's.
    func testAMissingBaselineIsAUsageErrorThatReplacesTheReport() throws {
        try "stale".write(toFile: junit, atomically: true, encoding: .utf8)
        let run = try runBinary(["gate", GateFixtures.release, "--uri", Self.unreachable, "--baseline", folder.path + "/nope.json", "--junit", junit])
        XCTAssertEqual(run.status, 64, run.transcript)
        XCTAssertTrue(run.standardError.contains("--baseline \(folder.path)/nope.json: no such file"), run.transcript)
        JUnitCases.validate(junit)
        XCTAssertTrue(try String(contentsOfFile: junit, encoding: .utf8).contains("no such file"))
    }

    // MARK: - (c) skipped live files

    func testALiveFileOnAScratchServerFailsUnderFailOnSkip() throws {
        let failing = try runBinary(["run", GateFixtures.liveFile, "--fail-on-skip", "--junit", junit])
        XCTAssertEqual(failing.status, 1, failing.transcript)
        XCTAssertEqual(failing.lastLine, "0 passed, 2 failed, 0 skipped", failing.transcript)
        XCTAssertTrue(failing.standardOutput.contains("--fail-on-skip is set: a skipped test checked nothing"), failing.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["failure", "failure"])

        let skipped = try runBinary(["run", GateFixtures.liveFile, "--junit", junit])
        XCTAssertEqual(skipped.status, 0, skipped.transcript)
        XCTAssertEqual(skipped.lastLine, "0 passed, 0 failed, 2 skipped", skipped.transcript)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["skipped", "skipped"])
    }

    // MARK: - a skipped test in a gate

    /// A skipped test checked nothing: it blocks, unless the checklist allows it by name, with a reason.
    func testASkippedTestBlocksTheGateUnlessAllowedByName() throws {
        let skipped = GateFixtures.root + "/skips/waiting.json::refunds are billed back"
        let blocked = try runBinary(["gate", GateFixtures.root + "/skips/not-allowed.json", "--uri", try serverURI, "--junit", junit])
        XCTAssertEqual(blocked.status, 1, blocked.transcript)
        XCTAssertEqual(blocked.lines(under: "Blocking:"), [
            "  ✗ scenarios \(skipped): skipped (waiting for ticket SHOP-42): a skipped test checked nothing; allow it in \"allowSkipped\" by name, with a reason, if it may be",
        ], blocked.transcript)

        let allowed = try runBinary(["gate", GateFixtures.root + "/skips/allowed.json", "--uri", try serverURI, "--junit", junit])
        XCTAssertEqual(allowed.status, 0, allowed.transcript)
        XCTAssertEqual(allowed.lines(under: "Not blocking:"), [
            "  ⚠ scenarios \(skipped): skipped (waiting for ticket SHOP-42) (does not block: the checklist allows it: refunds ship in 2.5)",
        ], allowed.transcript)
        XCTAssertTrue(allowed.verdictLines.allSatisfy { $0.hasPrefix("GO — a skip allowed by name: 1 passed, 0 failed, 1 unknown") }, allowed.transcript)
        try assertNoSandboxLeft()
    }

    private func assertNoSandboxLeft(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind", file: file, line: line)
    }

    // MARK: - (d) a gate that would check nothing

    func testAChecklistWithNoItemsIsRejected() throws {
        let run = try runBinary(["gate", GateFixtures.invalid + "/checks-nothing.json", "--uri", Self.unreachable, "--junit", junit])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.contains(
            "\(GateFixtures.invalid)/checks-nothing.json:1:1: the checklist checks nothing (no server, scenarios, compat or migrations): a gate with no items would say GO having checked nothing"),
            run.transcript)
        XCTAssertTrue(run.standardError.contains("1 problem in 1 file; nothing was checked."), run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["error"])
    }

    func testAGateReadingALiveFileOverAnEmptyDatabaseIsNOGO() throws {
        let nosuchdb = emptyDatabase
        let json = folder.path + "/gate.json"
        // minOrders=0: every test of the file passes over nothing; only the data check can stop it.
        let run = try runBinary(["gate", GateFixtures.liveOnly, "--uri", try serverURI(naming: nosuchdb), "--var", "minOrders=0",
                                 "--json", json, "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(run.verdictLines.allSatisfy { $0.hasPrefix("NO-GO — Shop monitoring only: ") }, run.transcript)
        let blocking = run.lines(under: "Blocking:")
        XCTAssertEqual(blocking.count, 1, run.transcript)
        XCTAssertTrue(blocking.contains { $0.hasPrefix(
            "  ✗ scenarios \(GateFixtures.liveFile)::the collections it reads hold documents: nothing was checked: \(nosuchdb).orders holds no document") },
            run.transcript)
        XCTAssertEqual(try GateEvidenceFile(json).verdict, "NO-GO")
        JUnitCases.validate(junit)
        XCTAssertFalse(try withClient { try $0.databaseNames() }.contains(nosuchdb), "the gate created the database it read")
    }
}
