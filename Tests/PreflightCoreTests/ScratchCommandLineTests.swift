import Mongo
import XCTest

@testable import PreflightCore

/// The parts of starting mongod that can be checked without mongod (it cannot be installed
/// here): its command line, the replica set it is initiated with, and how readiness is read.
final class ScratchCommandLineTests: XCTestCase {
    func testMongodIsAOneMemberReplicaSetWithTestCommandsOnLoopback() {
        let arguments = ScratchFlavor.mongod(executable: "/usr/bin/mongod").arguments(directory: "/tmp/x", port: 27999, topology: .replicaSet)
        func value(after flag: String) -> String? {
            arguments.firstIndex(of: flag).map { arguments[$0 + 1] }
        }
        XCTAssertEqual(value(after: "--dbpath"), "/tmp/x/db")
        XCTAssertEqual(value(after: "--bind_ip"), "127.0.0.1")
        XCTAssertEqual(value(after: "--port"), "27999")
        XCTAssertEqual(value(after: "--replSet"), "preflight")
        XCTAssertEqual(value(after: "--setParameter"), "enableTestCommands=1")
    }

    func testAStandaloneMongodHasNoReplicaSetName() {
        let arguments = ScratchFlavor.mongod(executable: "/usr/bin/mongod").arguments(directory: "/tmp/x", port: 27999, topology: .standalone)
        XCTAssertFalse(arguments.contains("--replSet"))
        XCTAssertTrue(arguments.contains("enableTestCommands=1"))
    }

    func testSecantusIsStandaloneUnlessAReplicaSetIsAskedFor() {
        let standalone = ScratchFlavor.secantus(executable: "secantusd-py").arguments(directory: "/tmp/x", port: 0, topology: .standalone)
        XCTAssertTrue(standalone.contains("--standalone"))
        let replicaSet = ScratchFlavor.secantus(executable: "secantusd-py").arguments(directory: "/tmp/x", port: 0, topology: .replicaSet)
        XCTAssertFalse(replicaSet.contains("--standalone"))
    }

    func testSecantusChoosesItsPortLogsItAndIgnoresStrayConfigFiles() {
        let arguments = ScratchFlavor.secantus(executable: "secantusd-py").arguments(directory: "/tmp/x", port: 0, topology: .standalone)
        XCTAssertEqual(arguments[arguments.firstIndex(of: "--port")! + 1], "0")
        XCTAssertEqual(arguments[arguments.firstIndex(of: "--host")! + 1], "127.0.0.1")
        XCTAssertEqual(arguments[arguments.firstIndex(of: "--log-level")! + 1], "INFO")
        XCTAssertEqual(arguments[arguments.firstIndex(of: "--config")! + 1], "/tmp/x/secantusd.toml")
        XCTAssertTrue(arguments.contains("--enable-test-commands"))
    }

    func testThePortIsReadFromTheListeningLine() {
        XCTAssertEqual(
            ScratchFlavor.port(fromLogLine: "2026-11-24 22:04:30,600 INFO secantus.server: secantus listening on 127.0.0.1:33085"),
            33085)
        XCTAssertNil(ScratchFlavor.port(fromLogLine: "2026-11-24 INFO secantus.cli: loaded config"))
        XCTAssertEqual(ScratchSupervisor.serverPID(fromLogLine: "preflight-scratch: server pid 4916 in /tmp/d"), 4916)
    }

    func testReplicaSetInitiationNamesTheMemberAsTheURIDoes() throws {
        let pool = try ConnectionPool(uri: "mongodb://127.0.0.1:27999/?directConnection=true")
        defer { pool.close() }
        let command = ReplicaSetInitiator(pool: pool, host: "127.0.0.1:27999").command
        XCTAssertEqual(command.keys.first, "replSetInitiate")
        XCTAssertEqual(
            command["replSetInitiate"],
            ["_id": "preflight", "members": [["_id": 0, "host": "127.0.0.1:27999"]]])
    }

    func testAnAlreadyInitiatedSetAndAPrimaryAreRecognised() {
        XCTAssertTrue(ReplicaSetInitiator.alreadyInitiated(MongoError(kind: .server, code: 23, message: "already initialized")))
        XCTAssertFalse(ReplicaSetInitiator.alreadyInitiated(MongoError(kind: .server, code: 59, message: "no such command")))
        XCTAssertTrue(ReplicaSetInitiator.isWritablePrimary(["isWritablePrimary": true, "setName": "preflight"]))
        XCTAssertTrue(ReplicaSetInitiator.isWritablePrimary(["ismaster": true]))
        XCTAssertFalse(ReplicaSetInitiator.isWritablePrimary(["isWritablePrimary": false, "secondary": true]))
    }
}
