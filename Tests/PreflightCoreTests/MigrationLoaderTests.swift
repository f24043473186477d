import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// A corpus of broken migration files, each held to the exact messages it must produce:
/// located by line and column, named by JSON path, with the nearest known name.
final class MigrationLoaderTests: LoaderCorpusTestCase {
    static let up = #""up": [{"updateMany": "orders", "filter": {}, "update": {"$set": {"a": 1}}}]"#
    static let down = #""down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"a": ""}}}]"#

    /// The errors of loading `text` as `migration.json`, file names relative to its folder.
    private func errors(_ text: String, files: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let written = try write(text, files: files, main: "migration.json")
        do {
            _ = try MigrationLoader().load(written.file)
            XCTFail("loaded, but the file is broken", file: file, line: line)
            return []
        } catch {
            return relative(error.errors, in: written.folder)
        }
    }

    func testMalformedJSONIsLocated() throws {
        XCTAssertEqual(try errors("{\"preflight\": 1, \"migration\": \"m\",\n \"up\": [\n"), [
            "migration.json:3:1: unexpected end of input: an object, array or string is not closed",
        ])
    }

    func testRequiredKeysVersionAndUnknownKeys() throws {
        XCTAssertEqual(try errors(#"{"preflight": 2, "fixture": {}}"#), [
            "migration.json:1:18: fixture: unknown key `fixture`; did you mean `fixtures`?",
            "migration.json:1:2: preflight: this Preflight reads format version 1, got 2 (int)",
            #"migration.json:1:1: missing required key "migration" (a non-empty string)"#,
            #"migration.json:1:1: missing required key "database" (a non-empty string)"#,
            #"migration.json:1:1: missing required key "up" (the steps that apply the migration)"#,
            #"migration.json:1:1: missing required key "down" (the steps that undo it)"#,
            #"migration.json:1:1: missing required key "changes" (a JSON object)"#,
        ])
    }

    func testDuplicateKeysAreReported() throws {
        let text = """
            {"preflight": 1, "migration": "m", "database": "shop",
             \(Self.up),
             "up": [],
             \(Self.down), "changes": {"orders": {"adds": ["a"]}}}
            """
        XCTAssertEqual(try errors(text), ["migration.json:3:2: up: the key `up` is written twice in one object; keep one"])
    }

    func testTopLevelValuesAreChecked() throws {
        let text = """
            {"preflight": 1, "migration": "", "database": "admin", "description": 3,
             "vars": {"1x": 1},
             "up": [],
             "down": {"updateMany": "orders"},
             "changes": []}
            """
        XCTAssertEqual(try errors(text), [
            #"migration.json:1:18: migration: expected a non-empty string, got "" (string)"#,
            #"migration.json:1:35: database: "admin" is one of the server's own databases; scenarios name the application's database"#,
            "migration.json:1:56: description: expected a string, got 3 (int)",
            #"migration.json:2:11: vars.1x: "1x" is not a variable name: use letters, digits and _, starting with a letter or _"#,
            "migration.json:3:2: up: expected at least one step: an empty block does nothing and asserts nothing",
            #"migration.json:4:2: down: expected an array of steps, got {"updateMany":"orders"} (document)"#,
            "migration.json:5:2: changes: expected a JSON object, got [] (array)",
        ])
    }

    /// Steps are the scenario steps, checked by the same parser; the control steps that
    /// make no sense in a migration are refused with the reason.
    func testStepsAreCheckedAsScenarioStepsAndSomeControlStepsAreRefused() throws {
        let text = """
            {"preflight": 1, "migration": "m", "database": "shop", "vars": {"limit": 5},
             "up": [
               {"parallel": [[{"find": "orders"}], [{"find": "orders"}]]},
               {"run": "billing.run"},
               {"failPoint": {"configureFailPoint": "failCommand", "mode": {"times": 1}}},
               {"sleep": 10},
               {"check": "noDoubleBilling"},
               {"compat": "../compat/orders.json"},
               {"find": "orders", "filter": {"n": {"$lt": {"$$var": "limit"}}}, "save": "found"},
               {"forEach": "found", "as": "order", "steps": [{"updateOne": "orders", "filter": {"_id": {"$$var": "order._id"}}, "update": {"$set": {"a": 1}}}]},
               {"transaction": [{"insertOne": "log", "document": {"at": {"$$now": {}}}}]}
             ],
             "down": [{"updateMany": "orders", "fitler": {}, "update": {"$unset": {"a": ""}}},
                      {"updateMany": "orders", "filter": {"x": {"$$var": "found"}}, "update": {"$unset": {"a": ""}}},
                      {"aggregate": "orders", "pipeline": [{"$out": {"db": "elsewhere", "coll": "x"}}]}],
             "changes": {"orders": {"adds": ["a"]}}}
            """
        XCTAssertEqual(try errors(text), [
            "migration.json:3:5: up[0].parallel: a migration's steps run one after another: with `parallel` its result would depend on timing",
            "migration.json:4:5: up[1].run: a migration has no procedures; write its steps out in `up` and `down`",
            "migration.json:5:5: up[2].failPoint: a migration does not inject faults; fail points belong in scenarios",
            "migration.json:6:5: up[3].sleep: a migration's steps change data, and `sleep` waits for nothing",
            "migration.json:7:5: up[4].check: a migration has no checks: it is verified against `changes`, `compat` and its snapshot",
            #"migration.json:8:5: up[5].compat: a migration names its compat spec with the top-level "compat" key, which is checked after `up`"#,
            "migration.json:13:36: down[0].fitler: unknown key `fitler` for `updateMany`; did you mean `filter`?",
            #"migration.json:13:11: down[0]: "updateMany" needs "filter""#,
            // `down` does not see what `up` saved: each runs on its own.
            "migration.json:14:53: down[1].filter.x.$$var: unknown variable `found`; expected one of `limit`",
            #"migration.json:15:48: down[2].pipeline[0]: "$out" into database "elsewhere" would write outside the scenario's sandbox"#,
        ])
    }

    func testChangesAreChecked() throws {
        let text = """
            {"preflight": 1, "migration": "m", "database": "shop", \(Self.up), \(Self.down),
             "changes": {
               "orders": {"adds": ["a", "_id", "b..c", "$set", "a", "d.e", "d", "f", "f.g"], "add": ["x"], "changes": "billed"},
               "ledger": {"created": true, "adds": ["x"]},
               "customers": {},
               "system.views": {"removes": ["x"]},
               "events": ["x"]
             }}
            """
        XCTAssertEqual(try errors(text), [
            "migration.json:3:82: changes.orders.add: unknown key `add`; did you mean `adds`?",
            "migration.json:3:29: changes.orders.adds[1]: the _id identifies a document, so no migration may change it: a document with a new _id is another document",
            #"migration.json:3:36: changes.orders.adds[2]: "b..c" is not a field path: write dotted field names such as "billing.month", with no empty part"#,
            #"migration.json:3:44: changes.orders.adds[3]: "$set" is not a field path: a field name cannot start with "$" ("$set")"#,
            #"migration.json:3:52: changes.orders.adds[4]: "a" is listed twice in "adds""#,
            #"migration.json:3:64: changes.orders.adds[6]: "d" holds "d.e", which "adds" already lists; keep one"#,
            #"migration.json:3:74: changes.orders.adds[8]: "f.g" is inside "f", which "adds" already lists; keep one"#,
            #"migration.json:3:96: changes.orders.changes: expected a JSON array, got "billed" (string)"#,
            "migration.json:4:4: changes.ledger: a collection that `up` creates has no fields to declare: every document in it is new",
            #"migration.json:5:4: changes.customers: declares nothing: list the fields `up` adds, removes or changes, or remove "customers""#,
            #"migration.json:6:4: changes["system.views"]: "system.views": collections named system.* belong to the server"#,
            #"migration.json:7:4: changes.events: expected {"adds": [...], "removes": [...], "changes": [...]} (field paths), or {"created": true}, got ["x"] (array)"#,
        ])
    }

    /// A changed collection misspelt against the one `up` writes is named, with the one
    /// meant; a list written as a string is one error, not also "declares nothing".
    func testAMisspeltChangedCollectionAndAListOfTheWrongTypeAreOneErrorEach() throws {
        let text = """
            {"preflight": 1, "migration": "m", "database": "shop", \(Self.up), \(Self.down),
             "changes": {"ordres": {"adds": ["a"]}, "orders": {"adds": "a"}, "orders_2026": {"adds": ["a"]}, "ordrs": {"created": true},
                         "order": {"adds": ["a"]}, "orders.v2": {"created": "yes"}}}
            """
        XCTAssertEqual(try errors(text), [
            #"migration.json:2:52: changes.orders.adds: expected a JSON array, got "a" (string)"#,
            #"migration.json:3:54: changes["orders.v2"].created: expected true or false, got "yes" (string)"#,
            #"migration.json:2:14: changes.ordres: no step of `up` or `down` names the collection "ordres"; did you mean "orders"?"#,
            #"migration.json:3:14: changes.order: no step of `up` or `down` names the collection "order"; did you mean "orders"?"#,
        ])
        // A command or a pipeline's $out may write a collection the walk does not read: then
        // nothing is asked.
        let command = #"""
            {"preflight": 1, "migration": "m", "database": "shop",
             "up": [{"updateMany": "tasks", "filter": {}, "update": {"$set": {"a": 1}}}, {"command": {"update": "tags", "updates": [{"q": {}, "u": {"$set": {"a": 1}}, "multi": true}]}}],
             "down": [{"updateMany": "tasks", "filter": {}, "update": {"$unset": {"a": ""}}}, {"command": {"update": "tags", "updates": [{"q": {}, "u": {"$unset": {"a": ""}}, "multi": true}]}}],
             "changes": {"tasks": {"adds": ["a"]}, "tags": {"adds": ["a"]}}}
            """#
        let written = try write(command, main: "migration.json")
        XCTAssertEqual(try MigrationLoader().load(written.file).changes.map(\.collection), ["tasks", "tags"])
    }

    func testTheCompatSpecAndFixtureFilesMustExist() throws {
        let text = """
            {"preflight": 1, "migration": "m", "database": "shop", \(Self.up), \(Self.down),
             "changes": {"orders": {"adds": ["a"]}},
             "compat": "compat/orders-0.7.json",
             "fixtures": {"orders": {"file": "fixtures/missing.ndjson"}}}
            """
        let written = try write(text, main: "migration.json")
        let messages: [String]
        do {
            _ = try MigrationLoader().load(written.file)
            return XCTFail("loaded, but the compat spec does not exist")
        } catch {
            messages = error.errors.map(\.description)
        }
        XCTAssertEqual(messages, [
            "\(written.file):3:2: compat: no such file: \(written.folder)/compat/orders-0.7.json (the compat spec's path is relative to this file)",
            "\(written.file):4:26: fixtures.orders.file: no such file: \(written.folder)/fixtures/missing.ndjson (fixture paths are relative to this file)",
        ])
    }

    func testAValidMigrationLoadsWithItsDeclarationsFixturesAndCompatPath() throws {
        let text = """
            {"preflight": 1, "migration": "0007 backfill", "description": "why", "database": "earlybird", "vars": {"month": "2026-01"},
             \(Self.up), \(Self.down),
             "changes": {"orders": {"adds": ["billed", "billing.month"], "changes": ["billed"]}, "orders_undo": {"created": true}},
             "compat": "../compat/orders.json",
             "fixtures": {"orders": {"file": "orders.ndjson", "indexes": [{"key": {"status": 1}}]}}}
            """
        let written = try write(text, files: ["compat/orders.json": #"{"preflight": 1, "compat": "orders", "collection": "orders", "fields": {"billed": {"type": "bool"}}}"#, "m/orders.ndjson": "{\"_id\": 1}\n{\"_id\": 2}\n"], main: "m/migration.json")
        let migration = try MigrationLoader().load(written.file)
        XCTAssertEqual(migration.name, "0007 backfill")
        XCTAssertEqual(migration.database, "earlybird")
        XCTAssertEqual(migration.vars, ["month": "2026-01"])
        XCTAssertEqual(migration.up.count, 1)
        XCTAssertEqual(migration.down.count, 1)
        XCTAssertEqual(migration.changes, [
            DeclaredChanges(collection: "orders", adds: ["billed", "billing.month"], changes: ["billed"]),
            DeclaredChanges(collection: "orders_undo", created: true),
        ])
        XCTAssertEqual(migration.compat, written.folder + "/compat/orders.json")
        XCTAssertEqual(migration.fixtures.map(\.collection), ["orders"])
        XCTAssertEqual(migration.fixtures.first?.documents.count, 2)
        XCTAssertEqual(migration.lines["up"], 2)
        XCTAssertEqual(migration.lines["compat"], 4)
    }

    func testCheckValidatesMigrationsInAScenarioFolder() throws {
        let folder = try folder([
            "migrations/good.json": #"{"preflight": 1, "migration": "m", "database": "shop", \#(Self.up), \#(Self.down), "changes": {"orders": {"adds": ["a"]}}}"#,
            "migrations/bad.json": #"{"preflight": 1, "migration": "m", "database": "shop", \#(Self.up), \#(Self.down), "changes": {"orders": {"adds": ["_id"]}}}"#,
        ])
        let catalog = ScenarioCatalog.load([folder], loader: ScenarioLoader())
        XCTAssertEqual(relative(catalog.errors, in: folder), [
            "migrations/bad.json:1:249: changes.orders.adds[0]: the _id identifies a document, so no migration may change it: a document with a new _id is another document",
        ])
        XCTAssertEqual(catalog.otherFiles.map(\.kind), ["migration", "migration"])
    }
}
