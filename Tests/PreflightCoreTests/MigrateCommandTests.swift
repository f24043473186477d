import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `preflight migrate verify` as CI runs it: the built binary, its exit codes, its console
/// and its JUnit report, against the class's scratch server (and once without --uri).
final class MigrateCommandTests: ScratchServerTestCase {
    static let folder = "Tests/PreflightCoreTests/Fixtures/migrations"
    static let passing = folder + "/passing/add-flag.json"
    static let failing = folder + "/failing/drops-note.json"
    static let invalid = folder + "/invalid/declares-id.json"
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500"


    private var uri: String {
        get throws { try XCTUnwrap(Self.server, "no scratch server").uri }
    }

    func testAPassingMigrationExitsZeroWithACaseForEachCheck() throws {
        let junit = folder.path + "/junit.xml", json = folder.path + "/report.json"
        let run = try runBinary(["migrate", "verify", Self.passing, "--uri", try uri, "--junit", junit, "--json", json])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertEqual(run.lastLine, "5 passed, 0 failed, 1 skipped", run.transcript)
        XCTAssertEqual(run.testLines, [
            "\(Self.passing) — add a flag to every order",
            "  ✓ up succeeds", "  ✓ up keeps every collection's document count", "  ✓ up changes only the fields declared in changes",
            "  ↷ the compat spec passes after up — skipped: no compat spec named",
            "  ✓ up is idempotent: a second up changes nothing", "  ✓ down restores the snapshot exactly",
        ])
        XCTAssertEqual(run.standardError, "", run.transcript)

        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.classname), Array(repeating: "Tests.PreflightCoreTests.Fixtures.migrations.passing.add-flag", count: 6))
        XCTAssertEqual(cases.map(\.name), Checks.all)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "passed", "passed", "skipped", "passed", "passed"])
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        XCTAssertEqual((report?["summary"] as? [String: Any])?["outcome"] as? String, "pass")
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testAFailingMigrationExitsOneNamingTheDocumentAndField() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["migrate", "verify", Self.failing, "--uri", try uri, "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        XCTAssertEqual(run.lastLine, "3 passed, 2 failed, 1 skipped", run.transcript)
        XCTAssertTrue(run.standardOutput.contains(#"orders o-2: note: removed (was "keep" (string))"#), run.transcript)
        JUnitCases.validate(junit)
        let cases = try JUnitCases.read(junit)
        XCTAssertEqual(cases.map(\.outcome), ["passed", "passed", "failure", "skipped", "passed", "failure"])
        XCTAssertEqual(
            cases[2].message,
            #"up changed what "changes" does not declare: 1 difference in 1 document; the first: orders o-2: note: removed (was "keep" (string))"#)
        XCTAssertEqual(
            cases[5].message,
            #"down did not restore the snapshot taken before up: 1 difference in 1 document; the first: orders o-2: note: removed (was "keep" (string))"#)
        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
    }

    func testAnInvalidMigrationExitsTwoBeforeConnecting() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["migrate", "verify", Self.folder, "--uri", Self.unreachable, "--junit", junit])
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertEqual(run.standardError, """
            \(Self.invalid):6:38: changes.orders.changes[0]: the _id identifies a document, so no migration may change it: a document with a new _id is another document
            Error: 1 problem in 1 file; nothing was run.

            """)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.name), [Self.invalid])
    }

    func testCheckValidatesMigrationFiles() throws {
        let invalid = try runBinary(["check", Self.folder])
        XCTAssertEqual(invalid.status, 2, invalid.transcript)
        XCTAssertTrue(invalid.standardError.hasPrefix("\(Self.invalid):6:38: changes.orders.changes[0]: the _id identifies a document"), invalid.transcript)
        let valid = try runBinary(["check", Self.folder + "/passing", Self.folder + "/failing"])
        XCTAssertEqual(valid.status, 0, valid.transcript)
        XCTAssertTrue(valid.standardOutput.contains("✓ \(Self.passing): migration"), valid.transcript)
    }

    func testUsageErrorsExit64() throws {
        let cases: [([String], String)] = [
            (["--sample", "5"], "--sample needs --sample-from, the server to draw the documents from."),
            (["--sample-from", Self.unreachable], "--sample-from needs --sample N, how many documents to draw from each collection."),
            (["--sample-from", Self.unreachable, "--sample", "5", "--copy-from", Self.unreachable],
             "--sample-from and --copy-from cannot be used together: choose one source."),
            (["--source-database", "earlybird"], "--source-database names the database --sample-from or --copy-from reads; give one of them."),
            (["--sample-from", Self.unreachable, "--sample", "0"], "--sample takes a number of documents from 1 to 10000000; got 0."),
        ]
        for (arguments, message) in cases {
            let run = try runBinary(["migrate", "verify", Self.passing] + arguments)
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains("Error: " + message), run.transcript)
        }
        let none = try runBinary(["migrate", "verify"])
        XCTAssertEqual(none.status, 64, none.transcript)
    }

    func testASourceThatCannotBeReadExitsThree() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["migrate", "verify", Self.passing, "--uri", try uri, "--copy-from", Self.unreachable, "--junit", junit])
        XCTAssertEqual(run.status, 3, run.transcript)
        XCTAssertTrue(run.standardError.contains("Error: Cannot read shop.orders on the source server mongodb://127.0.0.1:1/"), run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["error"])
    }

    func testSampleFromReadsTheSourceDatabaseNamed() throws {
        try withClient { client in
            _ = try client.collection("orders", in: database).insertMany((1...50).map { ["_id": .int32(Int32($0)), "n": .int32(Int32($0)), "note": "keep"] })
        }
        let junit = folder.path + "/junit.xml"
        let run = try runBinary([
            "migrate", "verify", Self.passing, "--uri", try uri, "--sample-from", try uri, "--sample", "20", "--source-database", database,
            "--junit", junit, "--verbose",
        ])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("orders: 20 before, 20 after"), run.transcript)
        JUnitCases.validate(junit)
        XCTAssertEqual(try withClient { try $0.collection("orders", in: database).countDocuments() }, 50)
    }

    func testWithoutAURIAScratchServerIsStarted() throws {
        let junit = folder.path + "/junit.xml"
        let run = try runBinary(["migrate", "verify", Self.passing, "--scratch", "secantus", "--junit", junit])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertEqual(run.lastLine, "5 passed, 0 failed, 1 skipped", run.transcript)
        JUnitCases.validate(junit)
    }

    func testTheHelpShowsTheEarlyBirdExample() throws {
        let run = try runBinary(["migrate", "verify", "--help"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("preflight migrate verify scenarios/earlybird/migrations"), run.transcript)
        XCTAssertTrue(run.standardOutput.contains("64 usage."), run.transcript)
        let root = try runBinary(["--help"])
        XCTAssertTrue(root.standardOutput.contains("migrate"), root.transcript)
    }
}
