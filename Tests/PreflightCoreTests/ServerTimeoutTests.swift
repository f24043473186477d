import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `--server-timeout`: every pool opened without a time of its own waits that long, over
/// the URI's; a bad value is a usage error; an unreachable server ends the run with exit 3.
final class ServerTimeoutTests: FolderTestCase {
    /// The timeout a pool opened with these arguments waits; the pool is closed again.
    private func timeout(_ uri: String, own: Int32? = nil) throws -> Int32 {
        let pool = try ConnectionPool(uri: uri, serverSelectionTimeoutMS: own)
        defer { pool.closeWithoutWaiting() }
        return pool.serverSelectionTimeoutMS
    }

    func testPoolsTakeTheDefaultUnlessTheyNameTheirOwn() throws {
        defer { ConnectionPool.defaultServerSelectionTimeoutMS = nil }
        XCTAssertEqual(try timeout("mongodb://127.0.0.1:1/"), 30_000)
        XCTAssertEqual(try timeout("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=700"), 700)
        ConnectionPool.defaultServerSelectionTimeoutMS = 2_500
        XCTAssertEqual(try timeout("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=700"), 2_500)
        XCTAssertEqual(try timeout("mongodb://127.0.0.1:1/", own: 900), 900)
    }

    func testTheCommandLineValueIsCheckedAndAnUnreachableServerExitsThree() throws {
        for bad in ["0", "-1", "3601", "abc"] {
            let run = try PreflightProcess.run(["run", ScenarioFixtures.live, "--uri", "mongodb://127.0.0.1:1/", "--server-timeout", bad])
            XCTAssertEqual(run.status, 64, run.transcript)
            // A negative number is the value it is, refused with the range, not a missing value.
            if bad != "abc" { XCTAssertTrue(run.standardError.contains("--server-timeout takes a number of seconds from more than 0 to 3600"), run.transcript) }
        }
        let jobs = try PreflightProcess.run(["run", ScenarioFixtures.live, "--jobs", "-2"])
        XCTAssertEqual(jobs.status, 64, jobs.transcript)
        XCTAssertTrue(jobs.standardError.contains("--jobs takes a number of files to run at once, from 1 to 64; got -2."), jobs.transcript)
        let run = try PreflightProcess.run(["run", ScenarioFixtures.live, "--uri", "mongodb://127.0.0.1:1/", "--server-timeout", "0.5", "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(run.status, 3, run.transcript)
        XCTAssertTrue(run.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), run.transcript)
    }

    /// `preflight help NAME` for a command that does not exist is a usage error naming the
    /// commands, not the main help and exit 0.
    func testHelpForAnUnknownCommandIsAUsageError() throws {
        let misspelt = try PreflightProcess.run(["help", "rnu"])
        XCTAssertEqual(misspelt.status, 64, misspelt.transcript)
        XCTAssertTrue(misspelt.standardError.contains(#"preflight has no command "rnu"; did you mean "run"? Its commands: init, run,"#), misspelt.transcript)
        for known in [["help", "run"], ["help", "migrate", "verify"], ["help"]] {
            let run = try PreflightProcess.run(known)
            XCTAssertEqual(run.status, 0, run.transcript)
            XCTAssertTrue(run.standardOutput.contains("USAGE: preflight"), run.transcript)
        }
    }
}
