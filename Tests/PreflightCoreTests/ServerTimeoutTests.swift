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
        }
        let run = try PreflightProcess.run(["run", ScenarioFixtures.live, "--uri", "mongodb://127.0.0.1:1/", "--server-timeout", "0.5", "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(run.status, 3, run.transcript)
        XCTAssertTrue(run.standardError.contains("Cannot reach the server at mongodb://127.0.0.1:1/"), run.transcript)
    }
}
