import Foundation
import Mongo
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PreflightCore

/// Where the scenario fixtures are.
enum ScenarioFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/scenarios").path
    static let junitSchemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/junit").path
    static var passing: String { path("passing") }
    static var failing: String { path("failing") }
    static var invalid: String { path("invalid") }
    static var live: String { path("live") }

    static func path(_ relative: String) -> String { root + "/" + relative }
}

enum SandboxDatabases {
    /// `pf_<six hex digits>_<n>`: a run's sandbox (the test class's own `pf_test_…` databases are not).
    static func isSandbox(_ name: String) -> Bool {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "pf" && parts[1].count == 6 && parts[1].allSatisfy(\.isHexDigit)
            && !parts[2].isEmpty && parts[2].allSatisfy(\.isNumber)
    }
}

/// A JUnit report as CI reads it: validated with xmllint against both schemas, and parsed.
/// A missing xmllint fails the test: `make setup` installs it (Debian's libxml2-utils).
enum JUnitCases {
    static let xmllint = "/usr/bin/xmllint"

    struct Case {
        var classname: String
        var name: String
        /// `passed`, `failure`, `error` or `skipped`.
        var outcome: String
        var message: String?
    }

    static func validate(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        guard FileManager.default.isExecutableFile(atPath: xmllint) else {
            return XCTFail("xmllint is missing at \(xmllint); run `make setup` (Debian package libxml2-utils).", file: file, line: line)
        }
        for schema in ["JUnit.xsd", "junit-10.xsd"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: xmllint)
            process.arguments = ["--noout", "--schema", ScenarioFixtures.junitSchemas + "/" + schema, path]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                XCTAssertEqual(process.terminationStatus, 0, "\(schema) rejects \(path):\n\(message)", file: file, line: line)
            } catch {
                XCTFail("xmllint could not be run: \(error)", file: file, line: line)
            }
        }
    }

    static func read(_ path: String) throws -> [Case] {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        return try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }.map { element in
            let child = (element.children ?? []).compactMap { $0 as? XMLElement }.first
            return Case(
                classname: element.attribute(forName: "classname")?.stringValue ?? "",
                name: element.attribute(forName: "name")?.stringValue ?? "",
                outcome: child?.name ?? "passed",
                message: child?.attribute(forName: "message")?.stringValue)
        }
    }
}

/// The small `orders` collection live-mode tests read, seeded into a database of the test's own.
enum LiveOrders {
    static func seed(_ database: String, using client: MongoClient) throws {
        let orders = client.collection("orders", in: database)
        _ = try orders.insertMany([
            ["_id": "o-1", "status": "delivered", "delivery_confirmed": true, "billed": true],
            ["_id": "o-2", "status": "delivered", "delivery_confirmed": true, "billed": false],
            ["_id": "o-3", "status": "pending", "delivery_confirmed": false, "billed": false],
        ])
        _ = try orders.createIndex(["status": 1, "billed": 1])
        _ = try client.collection("billing_ledger", in: database).insertOne(["order_id": "o-1"])
    }
}
