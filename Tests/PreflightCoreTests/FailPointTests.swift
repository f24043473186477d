import Mongo
import XCTest

@testable import PreflightCore

/// Fail points turn server faults into tests: each must surface as the right error kind.
final class FailPointTests: ScratchServerTestCase {
    /// Fail points, with the error labels and retries a replica set gives their errors.
    override class var topology: ScratchTopology { .replicaSet }

    override func tearDownWithError() throws {
        try withClient { client in
            _ = try? client.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin")
        }
        try super.tearDownWithError()
    }

    /// A pool that does not retry, so that the one injected fault is what the test sees.
    private func withoutRetries<T>(_ body: (MongoClient) throws -> T) throws -> T {
        let uri = try XCTUnwrap(Self.server?.uri) + "&retryWrites=false&retryReads=false"
        let pool = try ConnectionPool(uri: uri)
        defer { pool.close() }
        return try pool.withClient(body)
    }

    func testAClosedConnectionIsANetworkError() throws {
        try withClient { client in
            try client.runCommand(
                ["configureFailPoint": "failCommand", "mode": ["times": 1],
                 "data": ["failCommands": ["find"], "closeConnection": true]], on: "admin")
        }
        try withoutRetries { client in
            XCTAssertThrowsError(try client.collection("orders", in: database).find()) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .network, "\(String(describing: error))")
                XCTAssertNil(error?.code, "a network error has no server code")
                XCTAssertNil(error?.codeName, "and so no server code name")
                XCTAssertNotNil(error?.driverCode)
            }
            // The pool recovers: the next operation reconnects.
            XCTAssertEqual(try client.collection("orders", in: database).find(), [])
        }
    }

    func testAnErrorCodeKeepsItsCodeAndCodeName() throws {
        try withClient { client in
            try client.runCommand(
                ["configureFailPoint": "failCommand", "mode": ["times": 1],
                 "data": ["failCommands": ["insert"], "errorCode": 50]], on: "admin")
        }
        try withoutRetries { client in
            XCTAssertThrowsError(try client.collection("orders", in: database).insertOne(["_id": 1])) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .server)
                XCTAssertEqual(error?.code, 50)
                XCTAssertEqual(error?.codeName, "MaxTimeMSExpired")
            }
        }
    }

    func testAWriteConcernErrorKeepsItsKindCodeAndName() throws {
        try withClient { client in
            try client.runCommand(
                ["configureFailPoint": "failCommand", "mode": ["times": 1],
                 "data": ["failCommands": ["insert"],
                          "writeConcernError": ["code": 64, "codeName": "WriteConcernFailed", "errmsg": "waiting for replication timed out"]]],
                on: "admin")
        }
        try withoutRetries { client in
            XCTAssertThrowsError(try client.collection("orders", in: database).insertOne(["_id": 1])) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.kind, .writeConcern, "\(String(describing: error))")
                XCTAssertEqual(error?.code, 64)
                XCTAssertEqual(error?.codeName, "WriteConcernFailed")
            }
            // The write itself was applied: only its acknowledgement failed.
            XCTAssertEqual(try client.collection("orders", in: database).countDocuments(), 1)
        }
    }

    func testErrorLabelsFromTheServerAreKept() throws {
        try withClient { client in
            try client.runCommand(
                ["configureFailPoint": "failCommand", "mode": ["times": 1],
                 "data": ["failCommands": ["delete"], "errorCode": 2, "errorLabels": ["SomeLabel"]]], on: "admin")
        }
        try withoutRetries { client in
            XCTAssertThrowsError(try client.collection("orders", in: database).deleteMany(filter: [:])) { error in
                let error = error as? MongoError
                XCTAssertEqual(error?.codeName, "BadValue")
                XCTAssertTrue(error?.hasLabel("SomeLabel") ?? false, "labels: \(error?.labels ?? [])")
            }
        }
    }

    func testAnUnreachableServerIsAServerSelectionError() throws {
        let pool = try ConnectionPool(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200")
        defer { pool.close() }
        XCTAssertThrowsError(try pool.withClient { try $0.runCommand(["ping": 1], on: "admin") }) { error in
            XCTAssertEqual((error as? MongoError)?.kind, .serverSelection, "\(error)")
        }
    }

    func testAMalformedURIIsAClientErrorThatHidesThePassword() {
        XCTAssertThrowsError(try ConnectionPool(uri: "mongodb://user:hunter2@")) { error in
            let error = error as? MongoError
            XCTAssertEqual(error?.kind, .client)
            XCTAssertFalse(error?.message.contains("hunter2") ?? true, error?.message ?? "")
        }
    }
}
