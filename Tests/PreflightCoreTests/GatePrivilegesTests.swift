import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// What the gate reads before its checks, without a server: the roles of a
/// `connectionStatus` reply, and index builds among `currentOp`'s operations.
final class GatePrivilegesTests: XCTestCase {
    private func connectionStatus(user: String, roles: [(String, String)]) -> BSONDocument {
        [
            "authInfo": [
                "authenticatedUsers": [["user": .string(user), "db": "admin"]],
                "authenticatedUserRoles": .array(roles.map { .document(["role": .string($0.0), "db": .string($0.1)]) }),
                "authenticatedUserPrivileges": [],
            ],
            "ok": 1.0,
        ]
    }

    func testAReadOnlyUserLacksClusterMonitorAndSandboxesButMayRead() throws {
        let privileges = Privileges.parse(connectionStatus(user: "reader", roles: [("read", "earlybird")]))
        XCTAssertEqual(privileges.description, "read@earlybird")
        XCTAssertNil(privileges.missing(.read(database: "earlybird")))
        let monitor = try XCTUnwrap(privileges.missing(.clusterMonitor))
        XCTAssertTrue(monitor.contains("clusterMonitor"), monitor)
        let sandboxes = try XCTUnwrap(privileges.missing(.sandboxes))
        XCTAssertTrue(sandboxes.contains("readWriteAnyDatabase") && sandboxes.contains("dbAdminAnyDatabase"), sandboxes)
        // read on earlybird is not read on another database.
        XCTAssertEqual(privileges.missing(.read(database: "earlybird_staging")), "the role read on earlybird_staging (or readAnyDatabase)")
    }

    func testRootMayDoEverything() {
        let privileges = Privileges.parse(connectionStatus(user: "admin", roles: [("root", "admin")]))
        XCTAssertNil(privileges.missing(.clusterMonitor))
        XCTAssertNil(privileges.missing(.sandboxes))
        XCTAssertNil(privileges.missing(.read(database: "earlybird")))
        // root granted on another database is not the admin role.
        let elsewhere = Privileges.parse(connectionStatus(user: "odd", roles: [("root", "earlybird")]))
        XCTAssertNotNil(elsewhere.missing(.clusterMonitor))
    }

    func testAnyDatabaseRolesCoverSandboxesAndReads() {
        let privileges = Privileges.parse(connectionStatus(user: "ci", roles: [
            ("readWriteAnyDatabase", "admin"), ("dbAdminAnyDatabase", "admin"), ("clusterMonitor", "admin"),
        ]))
        XCTAssertNil(privileges.missing(.sandboxes))
        XCTAssertNil(privileges.missing(.clusterMonitor))
        XCTAssertNil(privileges.missing(.read(database: "anything")))
        // One of the two is not enough: sandboxes are written and dropped.
        let writeOnly = Privileges.parse(connectionStatus(user: "ci", roles: [("readWriteAnyDatabase", "admin")]))
        XCTAssertNotNil(writeOnly.missing(.sandboxes))
    }

    /// With access control off nobody is authenticated: nothing to check against, each
    /// command is tried; an unreadable reply makes every need unknown.
    func testNoAuthenticatedUserAndUnreadablePrivileges() {
        let open = Privileges.parse(["authInfo": ["authenticatedUsers": [], "authenticatedUserRoles": []], "ok": 1.0])
        XCTAssertNil(open.roles)
        XCTAssertNil(open.missing(.clusterMonitor))
        XCTAssertNil(open.missing(.sandboxes))
        XCTAssertEqual(open.description, "no authenticated user (access control off, or not logged in)")
        let unreadable = Privileges(roles: [], unreadable: "connectionStatus was refused")
        XCTAssertEqual(unreadable.missing(.read(database: "earlybird")), "the privileges could not be read: connectionStatus was refused")
    }

    // MARK: - Index builds in progress

    func testIndexBuildsAreFoundByCommandOrByMessage() {
        let operations: [BSON] = [
            ["opid": 11, "op": "command", "ns": "earlybird.$cmd", "secs_running": 42,
             "command": ["createIndexes": "orders", "indexes": [["key": ["customer_id": 1], "name": "customer_id_1"]], "$db": "earlybird"]],
            ["opid": 12, "op": "command", "ns": "earlybird.orders", "msg": "Index Build: scanning collection",
             "command": ["find": "orders"]],
        ]
        XCTAssertEqual(IndexBuilds.inProgress(operations, on: ["earlybird.orders"]), [
            "earlybird.orders (createIndexes, 42 s)",
            "earlybird.orders (Index Build: scanning collection)",
        ])
        // Only the namespaces asked about count.
        XCTAssertEqual(IndexBuilds.inProgress(operations, on: ["earlybird.customers_v2"]), [])
        // `$db` missing: the database comes from `ns`.
        let fromNamespace: [BSON] = [["op": "command", "ns": "earlybird.$cmd", "command": ["createIndexes": "orders"]]]
        XCTAssertEqual(IndexBuilds.inProgress(fromNamespace, on: ["earlybird.orders"]), ["earlybird.orders (createIndexes)"])
    }

    func testUnrelatedOperationsAreNoIndexBuild() {
        let operations: [BSON] = [
            ["opid": 1, "op": "query", "ns": "earlybird.orders", "command": ["find": "orders", "filter": ["status": "delivered"], "$db": "earlybird"]],
            ["opid": 2, "op": "command", "ns": "earlybird.orders", "msg": "Compacting", "command": ["compact": "orders"]],
            ["opid": 3, "op": "command", "ns": "other.$cmd", "command": ["createIndexes": "orders", "$db": "other"]],
            ["opid": 4, "op": "none", "desc": "ReplBatcher"],
            "not an operation",
        ]
        XCTAssertEqual(IndexBuilds.inProgress(operations, on: ["earlybird.orders"]), [])
        XCTAssertEqual(IndexBuilds.inProgress([], on: ["earlybird.orders"]), [])
    }

    /// mongod lists a text index as `{_fts: "text", _ftsx: 1}` with its fields in `weights`.
    func testATextIndexMatchesByItsWeights() {
        let listed: [BSONDocument] = [
            ["v": 2, "key": ["_id": 1], "name": "_id_"],
            ["v": 2, "key": ["shop": 1, "_fts": "text", "_ftsx": 1], "name": "shop_title_text", "weights": ["title": 1, "notes": 1]],
        ]
        XCTAssertEqual(IndexMatch.find(IndexRequirement(key: ["shop": 1, "title": "text", "notes": "text"]), in: listed), "shop_title_text")
        XCTAssertNil(IndexMatch.find(IndexRequirement(key: ["shop": 1, "title": "text"]), in: listed), "a text field fewer is another index")
        XCTAssertNil(IndexMatch.find(IndexRequirement(key: ["title": "text", "notes": "text"]), in: listed), "the prefix field counts")
        XCTAssertEqual(IndexMatch.why(IndexRequirement(key: ["body": "text"]), in: listed), "is missing")
    }
}

/// The gate against a SecantusDB with access control on, as a user holding only
/// read@earlybird: what it may read is checked, what needs more is `unknown` naming the
/// role to grant, and the verdict is NO-GO (an unknown blocks).
final class GateReadOnlyUserTests: XCTestCase {
    /// A SecantusDB process of the test's own, on a data directory that outlives restarts.
    private final class Server {
        let executable: String
        let directory: TemporaryDirectory
        let port: Int
        private var process: Process?

        init() throws {
            guard case .secantus(let executable) = try ScratchFlavor.locate(
                .secantus, environment: ProcessInfo.processInfo.environment, searchRoots: [ScratchServerTestCase.packageRoot])
            else { throw XCTSkip("no secantusd-py") }
            self.executable = executable
            directory = try TemporaryDirectory()
            try Data().write(to: URL(fileURLWithPath: directory.path + "/secantusd.toml"))
            port = try FreePort.find()
        }

        func start(auth: Bool, readyAs uri: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--config", directory.path + "/secantusd.toml", "--host", "127.0.0.1", "--port", String(port),
                                 "--storage-path", directory.path + "/data"] + (auth ? ["--auth"] : [])
            let log = directory.path + (auth ? "/auth.log" : "/open.log")
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: log)
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            self.process = process
            let pool = try ConnectionPool(uri: uri, serverSelectionTimeoutMS: 500)
            defer { pool.close() }
            let deadline = Date().addingTimeInterval(30)
            while (try? pool.withClient { try $0.runCommand(["ping": 1], on: "admin") }) == nil {
                guard process.isRunning, Date() < deadline else {
                    throw XCTSkip("SecantusDB did not start: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }

        func stop() {
            guard let process, process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
            self.process = nil
        }

        deinit { stop() }
    }

    func testAReadOnlyUserGetsUnknownsNamingTheRolesItLacks() throws {
        let server = try Server()
        defer { server.stop() }
        let open = "mongodb://127.0.0.1:\(server.port)/?directConnection=true"
        try server.start(auth: false, readyAs: open)
        let pool = try ConnectionPool(uri: open)
        try pool.withClient { client in
            _ = try client.runCommand(["createUser": "reader", "pwd": "pw-reader-123", "roles": [["role": "read", "db": "earlybird"]]], on: "admin")
            try GateShop.seed("earlybird", using: client)
        }
        pool.close()
        server.stop()
        let reader = "mongodb://reader:pw-reader-123@127.0.0.1:\(server.port)/earlybird?directConnection=true&authSource=admin"
        try server.start(auth: true, readyAs: reader)

        let reports = try TemporaryDirectory()
        let checklist = reports.path + "/checklist.json"
        try Data("""
            {"preflight": 1, "checklist": "as a read-only user", "database": "shop",
             "server": {"featureCompatibilityVersion": "6.0", "collections": ["orders"]},
             "scenarios": ["\(GateFixtures.absolute(GateFixtures.root))/shop/mark-delivered.json"],
             "compat": ["\(GateFixtures.absolute(GateFixtures.compatSpec))"]}
            """.utf8).write(to: URL(fileURLWithPath: checklist))
        let json = reports.path + "/gate.json", junit = reports.path + "/junit.xml"
        let run = try PreflightProcess.run(["gate", checklist, "--uri", reader, "--json", json, "--junit", junit], timeout: 120)
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertFalse(run.standardOutput.contains("pw-reader-123"), run.transcript)

        let evidence = try GateEvidenceFile(json)
        XCTAssertEqual(evidence.verdict, "NO-GO")
        XCTAssertEqual(evidence.server["privileges"] as? String, "read@earlybird")
        let fcv = try XCTUnwrap(evidence.item("server", "featureCompatibilityVersion"))
        XCTAssertEqual(fcv["outcome"] as? String, "unknown")
        XCTAssertEqual(fcv["blocks"] as? Bool, true)
        XCTAssertTrue((fcv["reason"] as? String ?? "").contains("the user lacks the role clusterMonitor on admin"), "\(fcv)")
        // What read@earlybird allows is checked.
        XCTAssertEqual(evidence.item("server", "collections")?["outcome"] as? String, "passed")
        XCTAssertEqual(evidence.item("compat", GateFixtures.compatSpec)?["outcome"] as? String, "passed")
        // A sandbox needs more than reading: not run, and said why.
        let sandbox = try XCTUnwrap(evidence.items.first { $0["section"] as? String == "scenarios" })
        XCTAssertEqual(sandbox["outcome"] as? String, "unknown")
        XCTAssertTrue((sandbox["reason"] as? String ?? "").hasPrefix("not run: the user lacks the roles readWriteAnyDatabase and dbAdminAnyDatabase"), "\(sandbox)")
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitReportFile.read(junit).flatMap(\.cases).first { $0.name == "featureCompatibilityVersion" }?.type, "unknown")
    }
}
