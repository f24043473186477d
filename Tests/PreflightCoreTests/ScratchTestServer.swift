import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// A fresh folder for each test, for the files it writes (scenarios, reports), removed
/// with everything in it after the test.
class FolderTestCase: XCTestCase {
    private(set) var folder: ScenarioFolder!

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = try ScenarioFolder()
    }

    override func tearDownWithError() throws {
        folder = nil
        try super.tearDownWithError()
    }
}

/// One real scratch server for a test class: started in `setUp` of the class, stopped in
/// its `tearDown`. Integration tests talk to it, never to a mock.
class ScratchServerTestCase: FolderTestCase {
    nonisolated(unsafe) static var server: ScratchServer?
    nonisolated(unsafe) static var pool: ConnectionPool?
    /// Every command the pool sent, for the monitoring tests.
    static let events = EventLog()

    /// A fresh database name per test, so tests never see each other's data.
    var database: String = ""

    /// A standalone, as `preflight` starts for files without transactions: it stays fast
    /// over a class's thousands of writes. Classes that run transactions override this.
    class var topology: ScratchTopology { .standalone }

    override class func setUp() {
        super.setUp()
        do {
            let started = try ScratchServer.start(.secantus, topology: topology, searchRoots: [packageRoot])
            server = started
            let monitor = CommandMonitor { events.append($0) }
            pool = try ConnectionPool(uri: started.uri, monitor: monitor)
        } catch {
            XCTFail("The scratch server did not start: \(error)")
        }
    }

    override class func tearDown() {
        pool?.close()
        pool = nil
        server?.stop()
        server = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        database = "pf_test_" + ObjectID().hex
    }

    override func tearDownWithError() throws {
        if let pool = Self.pool {
            try? pool.withClient { try $0.dropDatabase(database) }
        }
        try super.tearDownWithError()
    }

    /// Runs `body` with a client from the class's pool.
    @discardableResult
    func withClient<T>(_ body: (MongoClient) throws -> T) throws -> T {
        let pool = try XCTUnwrap(Self.pool, "no scratch server")
        return try pool.withClient(body)
    }

    /// The checkout this test file lives in, whose .venv holds SecantusDB.
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

/// Thread-safe collection of monitoring events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [CommandEvent] = []

    func append(_ event: CommandEvent) {
        lock.withLock { events.append(event) }
    }

    var all: [CommandEvent] {
        lock.withLock { events }
    }
}
