import Foundation
import XCTest

@testable import PreflightCore

/// `--list` (run and check) and `FILE::test name`: seeing a pack's tests, and running
/// exactly one.
final class TestListingTests: ScratchServerTestCase {
    static let orderCreation = "scenarios/earlybird/phase-0.7/order-creation.json"

    func testListPrintsEveryTestWithItsTagsWithoutConnecting() throws {
        let check = try PreflightProcess.run(["check", "--list", "scenarios/earlybird/phase-0.7"])
        XCTAssertEqual(check.status, 0, check.transcript)
        let lines = check.standardOutput.split(separator: "\n").map(String.init)
        let expected = ScenarioCatalog.load([Self.packageRoot + "/scenarios/earlybird/phase-0.7"], loader: ScenarioLoader()).scenarios
            .reduce(0) { $0 + $1.tests.count }
        XCTAssertEqual(lines.count, expected, check.transcript)
        XCTAssertTrue(lines.contains("\(Self.orderCreation)::a new order is not billable until it is delivered and confirmed  [phase-0.7, orders]"), check.transcript)

        // The run's selection, on a server nobody listens on: listing never connects.
        let run = try PreflightProcess.run(["run", "--list", "--tag", "orders", "scenarios/earlybird/phase-0.7", "--uri", "mongodb://127.0.0.1:1/"])
        XCTAssertEqual(run.status, 0, run.transcript)
        let listed = run.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertFalse(listed.isEmpty, run.transcript)
        XCTAssertTrue(listed.allSatisfy { $0.contains("orders") }, run.transcript)

        // A folder that also holds a library, compat specs and migrations lists its tests
        // and nothing else, so the list can be piped.
        let pack = try PreflightProcess.run(["run", "--list", "scenarios/earlybird", "--uri", "mongodb://127.0.0.1:1/"])
        XCTAssertEqual(pack.status, 0, pack.transcript)
        let packLines = pack.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(packLines.count, expected, pack.transcript)
        XCTAssertTrue(packLines.allSatisfy { $0.hasPrefix("scenarios/earlybird/") && $0.contains(".json::") }, pack.transcript)
    }

    func testAFileAndATestNameRunExactlyThatTest() throws {
        let name = "a new order is not billable until it is delivered and confirmed"
        let run = try PreflightProcess.run(["run", "\(Self.orderCreation)::\(name)", "--uri", try XCTUnwrap(Self.server).uri, "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("1 passed, 0 failed, 0 skipped"), run.transcript)
        XCTAssertTrue(run.standardOutput.contains("✓ \(name)"), run.transcript)
    }

    func testANameThatMatchesNothingListsTheNearest() throws {
        let exact = try PreflightProcess.run(["run", "\(Self.orderCreation)::a new order is stored whol", "--uri", "mongodb://127.0.0.1:1/", "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(exact.status, 64, exact.transcript)
        XCTAssertTrue(exact.standardError.contains(#"has no test named "a new order is stored whol"; did you mean "a new order is stored whole, with the five Phase 0.7 fields at their defaults"?"#), exact.transcript)
        let filter = try PreflightProcess.run(["run", "--filter", "new ordr", "scenarios/earlybird/phase-0.7", "--uri", "mongodb://127.0.0.1:1/", "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(filter.status, 64, filter.transcript)
        XCTAssertTrue(filter.standardError.contains(#"The nearest test name: "a new order is stored whole"#), filter.transcript)
    }

    /// A file named by itself and inside a folder also named is read, listed and run once.
    func testAFileNamedTwiceIsListedOnce() throws {
        let both = try PreflightProcess.run(["check", "--list", "scenarios/earlybird/phase-0.7", Self.orderCreation])
        let alone = try PreflightProcess.run(["check", "--list", "scenarios/earlybird/phase-0.7"])
        XCTAssertEqual(both.status, 0, both.transcript)
        XCTAssertEqual(both.standardOutput.split(separator: "\n").count, alone.standardOutput.split(separator: "\n").count, both.transcript)
        let one = try PreflightProcess.run(["check", "--list", "scenarios/earlybird/phase-0.7", "\(Self.orderCreation)::a new order is not billable until it is delivered and confirmed"])
        let lines = one.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.hasPrefix(Self.orderCreation) }.count, 1, one.transcript)
    }
}
