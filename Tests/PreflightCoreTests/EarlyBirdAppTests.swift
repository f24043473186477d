import Foundation
import XCTest

@testable import PreflightCore

/// `scenarios/earlybird/phase-0.7-app/`: the four checklist tests against the example
/// backend itself. They pass on the backend as it is, the race test fails with the old
/// find-then-update billing, and TEST 1 fails when the order route forgets a field.
final class EarlyBirdAppTests: ScratchServerTestCase {
    static let app = packageRoot + "/scenarios/earlybird/phase-0.7-app"

    func testTheAppPackPassesOnTheBackend() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["run", Self.app, "--uri", try serverURI, "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertEqual(run.lastLine, "8 passed, 0 failed, 0 skipped", run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testTheRaceTestFailsWithTheOldFindThenUpdateBilling() throws {
        let run = try runBinary([
            "run", Self.app + "/billing-race.json", "--uri", try serverURI, "--var", "billing=find-then-update", "--junit", folder.path + "/junit.xml",
        ])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("✗ two billing jobs started together bill each billable order exactly once"), run.transcript)
        XCTAssertTrue(run.standardOutput.contains("three ledger entries, one per billable order"), run.transcript)
    }

    /// A copy of the pack and the backend with `delivery_confirmed` left out of new orders:
    /// the JSON model would stay green, the app pack's TEST 1 does not.
    func testTest1FailsWhenTheOrderRouteForgetsAPhase07Field() throws {
        let root = folder.path
        let manager = FileManager.default
        for part in ["scenarios/earlybird/lib", "scenarios/earlybird/fixtures", "scenarios/earlybird/phase-0.7-app", "examples/earlybird-backend"] {
            try manager.createDirectory(atPath: root + "/" + (part as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: Self.packageRoot + "/" + part, toPath: root + "/" + part)
        }
        try manager.createSymbolicLink(atPath: root + "/.venv", withDestinationPath: Self.packageRoot + "/.venv")
        let route = root + "/examples/earlybird-backend/earlybird_backend/orders.py"
        let source = try String(contentsOfFile: route, encoding: .utf8)
        let planted = source.replacingOccurrences(of: "        \"delivery_confirmed\": False,\n", with: "")
        XCTAssertNotEqual(planted, source, "the route no longer sets delivery_confirmed where this test plants the bug")
        try planted.write(toFile: route, atomically: true, encoding: .utf8)

        let run = try runBinary(["run", root + "/scenarios/earlybird/phase-0.7-app/order-creation.json", "--uri", try serverURI, "--junit", root + "/junit.xml"])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("✗ POST /api/orders stores the order whole, with the five Phase 0.7 fields at their defaults"), run.transcript)
        XCTAssertTrue(run.standardOutput.contains("delivery_confirmed"), run.transcript)
    }
}
