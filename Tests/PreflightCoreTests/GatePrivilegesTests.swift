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
}
