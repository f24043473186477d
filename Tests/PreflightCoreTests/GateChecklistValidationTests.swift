import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// A checklist is validated, with every file it names, before anything is sent: each
/// problem located as `file:line:column`, exit 2 even with a server that does not exist
/// (reaching for it would be exit 3). `preflight check` finds the same problems.
final class GateChecklistValidationTests: XCTestCase {
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"

    /// Each invalid checklist and the one message it must produce.
    static let expected: [(file: String, message: String)] = [
        ("misspelt-key.json", "5:3: scenaros: unknown key `scenaros`; did you mean `scenarios`?"),
        ("glob-matches-nothing.json", #"5:48: scenarios[1]: "../shopp/*.json" matches no file (paths are relative to this checklist); did you mean "../shop/*.json"?"#),
        ("warn-without-reason.json", #"5:14: compat[0]: an item that only warns needs a "reason": the report says why it may not block"#),
        ("index-direction.json", #"5:59: server.indexes.orders[0].key.billed: expected 1, -1, "text", "2dsphere", "2d" or "hashed", got 2 (int)"#),
        ("allow-skipped-key.json", #"6:20: allowSkipped["../shop/live-orders.json"]: expected "path/file.json::test name", got "../shop/live-orders.json""#),
        ("stale-allow-skipped.json", #"6:20: allowSkipped["../shop/live-orders.json::a test that was renamed"]: names no test of the scenarios this checklist lists ("path::test name", the path relative to this checklist)"#),
        ("snapshot-index-direction.json", #"6:75: snapshot.orders.indexes[0].key.status: expected 1, -1, "text", "2dsphere", "2d" or "hashed", got "asc" (string)"#),
        ("misspelt-migrations.json", "6:3: migration: unknown key `migration`; did you mean `migrations`?"),
        // `floor` is no scenario's, but `minOrders` refers to it: only the misspelt one is refused.
        ("misspelt-var.json", "6:12: vars.minOrder: no scenario this checklist lists declares or uses `minOrder` (did you mean `minOrders`?): the checklist's vars are for the variables its scenarios use"),
        ("migration-path-typo.json", #"5:18: migrations[0]: "../shop/0001-default-biled.json" matches no migration file (paths are relative to this checklist); did you mean "../shop/0001-default-billed.json"?"#),
        ("checks-nothing.json", "1:1: the checklist checks nothing (no server, scenarios, compat or migrations): a gate with no items would say GO having checked nothing"),
    ]

    func testEachInvalidChecklistExitsTwoBeforeConnecting() throws {
        let reports = try TemporaryDirectory()
        for (name, message) in Self.expected {
            let file = GateFixtures.invalid + "/" + name
            let junit = reports.path + "/\(name).xml"
            let evidence = reports.path + "/\(name).evidence.json"
            let run = try PreflightProcess.run(["gate", file, "--uri", Self.unreachable, "--junit", junit, "--json", evidence], timeout: 60)
            XCTAssertEqual(run.status, 2, run.transcript)
            // The evidence is the gate's, NO-GO and unchecked, whatever ended it.
            let json = try String(contentsOfFile: evidence, encoding: .utf8)
            XCTAssertTrue(json.contains(#""preflightGate": 1"#) && json.contains(#""verdict": "NO-GO""#) && json.contains(#""checked": false"#), json)
            XCTAssertEqual(run.standardError, "\(file):\(message)\nError: 1 problem in 1 file; nothing was checked.\n", run.transcript)
            XCTAssertEqual(run.standardOutput, "", run.transcript)
            XCTAssertEqual(try JUnitCases.read(junit).map(\.outcome), ["error"], name)
        }
        JUnitCases.validate(reports.path + "/misspelt-key.json.xml")
    }

    /// A problem in a file the checklist names is reported under that file's name.
    func testAProblemInANamedFileIsReportedWhereItIs() throws {
        let folder = try ScenarioFolder()
        let spec = try folder.write("spec.json", #"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bol"}}}"#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "c", "database": "shop", "compat": ["spec.json"]}"#)
        let run = try PreflightProcess.run(["gate", checklist, "--uri", Self.unreachable, "--junit", folder.path + "/junit.xml"], timeout: 60)
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertTrue(run.standardError.hasPrefix("\(spec):1:79: fields.billed.type: unknown type `bol`; did you mean `bool`?\n"), run.transcript)
    }

    /// A checklist var a scenario uses without declaring it (in its steps, or in a library
    /// it includes) is given to it, so it is not refused as unused.
    func testAChecklistVarAScenarioOnlyUsesIsValid() throws {
        let folder = try ScenarioFolder()
        try folder.write("lib.json", #"{"preflight": 1, "library": "lib", "procedures": {"few": {"steps": [{"count": "orders", "expect": {"$$lte": {"$$var": "most"}}}]}}}"#)
        try folder.write("s.json", #"""
            {"preflight": 1, "name": "s", "include": ["lib.json"], "tests": [{"name": "t", "steps": [
             {"count": "orders", "expect": {"$$gte": {"$$var": "least"}}}, {"run": "lib.few"}]}]}
            """#)
        let checklist = try folder.write("checklist.json", #"{"preflight": 1, "checklist": "c", "database": "shop", "scenarios": ["s.json"], "vars": {"least": 0, "most": 9}}"#)
        let run = try PreflightProcess.run(["check", checklist], timeout: 60)
        XCTAssertEqual(run.status, 0, run.transcript)

        // EarlyBird's layout (`"include": ["../lib/…"]`), checked by a relative path from
        // the folder above and from the scenario's own: the library is found from each.
        try folder.write("v/lib/lib.json", #"{"preflight": 1, "library": "lib", "procedures": {"few": {"steps": [{"count": "orders", "expect": {"$$lte": {"$$var": "most"}}}]}}}"#)
        try folder.write("v/s/s.json", #"{"preflight": 1, "name": "s", "include": ["../lib/lib.json"], "tests": [{"name": "t", "steps": [{"run": "lib.few"}]}]}"#)
        try folder.write("v/c/checklist.json", #"{"preflight": 1, "checklist": "c", "database": "shop", "scenarios": ["../s/s.json"], "vars": {"most": 9}}"#)
        for (directory, path) in [(folder.path + "/v", "c/checklist.json"), (folder.path + "/v/s", "../c/checklist.json")] {
            let nested = try PreflightProcess.run(["check", path], in: directory, timeout: 60)
            XCTAssertEqual(nested.status, 0, "from \(directory): \(nested.transcript)")
        }
    }

    /// A migration's, a compat spec's and a checklist's name holding a password is refused
    /// where it is written, as a scenario's is: names are printed as written everywhere.
    func testANameHoldingAPasswordIsRefusedInEveryKindOfFile() throws {
        let folder = try ScenarioFolder()
        let uri = "mongodb://admin:Hunter2Secret@db.example.com/shop"
        try folder.write("spec.json", #"""
            {"preflight": 1, "compat": "orders at \#(uri)", "collection": "orders", "fields": {"status": {"type": "string"}},
             "reachability": [{"name": "seen from \#(uri)", "population": {"status": "new"}, "query": {"status": "new"}}]}
            """#)
        try folder.write("m.json", #"""
            {"preflight": 1, "migration": "copy from \#(uri)", "database": "shop", "fixtures": {"orders": [{"_id": 1}]},
             "changes": {"orders": {"adds": ["x"]}}, "up": [{"updateMany": "orders", "filter": {}, "update": {"$set": {"x": 1}}}],
             "down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"x": ""}}}]}
            """#)
        try folder.write("checklist.json", #"{"preflight": 1, "checklist": "release on \#(uri)", "database": "shop", "compat": ["spec.json"]}"#)
        let run = try PreflightProcess.run(["check", folder.path], timeout: 60)
        XCTAssertEqual(run.status, 2, run.transcript)
        XCTAssertFalse(run.standardError.contains("Hunter2Secret"), run.transcript)
        XCTAssertTrue(run.standardError.contains("\(folder.path)/spec.json:2:"), run.transcript)
        XCTAssertTrue(run.standardError.contains(": reachability[0].name: a name is printed in every report"), run.transcript)
        for (file, key) in [("spec.json", "compat"), ("m.json", "migration"), ("checklist.json", "checklist")] {
            XCTAssertTrue(run.standardError.contains("\(folder.path)/\(file):1:"), "\(file): \(run.transcript)")
            XCTAssertTrue(run.standardError.contains(": \(key): a name is printed in every report and must not hold a password: it reads "), "\(key): \(run.transcript)")
        }
    }

    /// `preflight check` validates checklists with every file they name.
    func testCheckRejectsAFolderHoldingAnInvalidChecklist() throws {
        let invalid = try PreflightProcess.run(["check", GateFixtures.invalid], timeout: 60)
        XCTAssertEqual(invalid.status, 2, invalid.transcript)
        for (name, message) in Self.expected {
            XCTAssertTrue(invalid.standardError.contains("\(GateFixtures.invalid)/\(name):\(message)\n"), "\(name):\n\(invalid.transcript)")
        }
        XCTAssertTrue(invalid.standardError.contains("\(Self.expected.count) problems in \(Self.expected.count) files"), invalid.transcript)

        let valid = try PreflightProcess.run(["check", GateFixtures.root + "/shop", GateFixtures.root + "/server"], timeout: 60)
        XCTAssertEqual(valid.status, 0, valid.transcript)
        for checklist in [GateFixtures.release, GateFixtures.liveOnly, GateFixtures.serverUnmet, GateFixtures.serverWarned] {
            XCTAssertTrue(valid.standardOutput.contains("✓ \(checklist): checklist, and every file it names"), valid.transcript)
        }
    }
}
