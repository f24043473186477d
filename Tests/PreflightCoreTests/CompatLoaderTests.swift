import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Compat specs as `CompatLoader` reads them: a corpus of broken specs, each held to its
/// exact messages (`file:LINE:COL: json.path: message`), and the EarlyBird spec loaded.
final class CompatLoaderTests: LoaderCorpusTestCase {
    /// The errors of loading `text` as `spec.json`, relative to its folder.
    private func errors(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let written = try write(text, main: "spec.json")
        do {
            _ = try CompatLoader.load(file: written.file)
            XCTFail("loaded, but the spec is broken:\n\(text)", file: file, line: line)
            return []
        } catch {
            return relative(error.errors, in: written.folder)
        }
    }

    private func assertSpecCorpus(_ cases: [(name: String, text: String, errors: [String])], file: StaticString = #filePath, line: UInt = #line) throws {
        for broken in cases {
            XCTAssertEqual(try errors(broken.text, file: file, line: line), broken.errors, broken.name, file: file, line: line)
        }
    }

    func testBrokenSpecsAreRefusedWithLocatedMessages() throws {
        try assertSpecCorpus([
            ("malformed JSON",
             #"{"preflight": 1, "compat": "c", "collection": "orders",}"#,
             [#"spec.json:1:56: unexpected "}": a trailing comma is not allowed in JSON"#]),
            ("a JSON array",
             #"[{"preflight": 1}]"#,
             ["spec.json:1:1: expected a compat spec (a JSON object), got a JSON array"]),
            ("a scenario named as a spec",
             #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}"#,
             [#"spec.json:1:1: is a scenario, not a compat spec ({"preflight": 1, "compat": "…", "collection": "…", "fields": {…}})"#]),
            ("unknown key, with the nearest",
             #"""
             {"preflight": 1, "compat": "c", "colection": "orders",
              "fields": {"billed": {"type": "bool"}}}
             """#,
             [
                 "spec.json:1:33: colection: unknown key `colection`; did you mean `collection`?",
                 "spec.json:1:1: missing required key \"collection\" (a non-empty string)",
             ]),
            ("another format version",
             #"{"preflight": 2, "compat": "c", "collection": "orders", "fields": {"billed": {"type": "bool"}}}"#,
             ["spec.json:1:2: preflight: this Preflight reads format version 1, got 2 (int)"]),
            ("unknown type alias",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": "bol"}}}
             """#,
             ["spec.json:2:24: fields.billed.type: unknown type `bol`; did you mean `bool`?"]),
            ("unknown alias in a list, and one listed twice",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed_at": {"type": ["datetime", "null", "null"]}}}
             """#,
             [
                 "spec.json:2:36: fields.billed_at.type[0]: unknown type `datetime`; did you mean `date`?",
                 "spec.json:2:56: fields.billed_at.type[2]: the type `null` is listed twice",
             ]),
            ("a type that is neither a name nor a list",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": []}}}
             """#,
             [#"spec.json:2:24: fields.billed.type: expected a type name such as "bool" or a non-empty list such as ["date", "null"], got [] (array)"#]),
            ("a key written twice",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": "bool"},
                         "billed": {"type": "string"}}}
             """#,
             ["spec.json:3:13: fields.billed: the key `billed` is written twice in one object; keep one"]),
            ("a misspelt field rule",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": "bool", "requried": true}}}
             """#,
             ["spec.json:2:40: fields.billed.requried: unknown key `requried` for a field; did you mean `required`?"]),
            ("a pattern that does not compile",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed_month": {"type": "string", "pattern": "([0-9]{4}"}}}
             """#,
             [#"spec.json:2:48: fields.billed_month.pattern: the pattern "([0-9]{4}" does not compile as a regular expression"#]),
            ("a pattern on a field that cannot be a string",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": ["bool", "null"], "pattern": "^t"}}}
             """#,
             ["spec.json:2:50: fields.billed.pattern: a pattern applies to strings, and the field's types (bool, null) do not include `string`"]),
            ("a pattern option the server does not take",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"code": {"pattern": {"$regularExpression": {"pattern": "^a", "options": "il"}}}}}
             """#,
             ["spec.json:2:22: fields.code.pattern: unknown regular expression option `l`: the server's $regexMatch takes i, m, s and x"]),
            ("defaults the field itself refuses",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": "bool", "default": "false"},
                         "billed_month": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}$", "default": "2026-1"},
                         "customer_id": {"type": "string", "required": true, "default": "c-0"}}}
             """#,
             [
                 #"spec.json:2:40: fields.billed.default: the default "false" (string) is not of the field's types (bool)"#,
                 #"spec.json:3:92: fields.billed_month.default: the default "2026-1" (string) does not match the field's pattern "^[0-9]{4}-[0-9]{2}$""#,
                 "spec.json:4:65: fields.customer_id.default: a required field has no default: a document without it fails, so no default ever applies",
             ]),
            ("a field that asserts nothing, and paths no aggregation can read",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"default": false},
                         "address..city": {"type": "string"},
                         "$price": {"type": "number"}}}
             """#,
             [
                 #"spec.json:2:13: fields.billed: the field asserts nothing: give it a "type", a "pattern" or "required": true"#,
                 #"spec.json:3:13: fields["address..city"]: "address..city" is not a field path: a dotted path has a name between every two dots"#,
                 #"spec.json:4:13: fields.$price: "$price" cannot be checked: a field name starting with "$" cannot be read by an aggregation path"#,
             ]),
            ("samples out of range, scope not a filter",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders", "scope": [], "samples": 101,
              "fields": {"billed": {"type": "bool"}}}
             """#,
             [
                 "spec.json:1:57: scope: expected a JSON object, got [] (array)",
                 "spec.json:1:70: samples: expected a whole number from 0 to 100, got 101 (int)",
             ]),
            ("names MongoDB refuses",
             #"""
             {"preflight": 1, "compat": "c", "collection": "system.users", "database": "earl/bird",
              "fields": {"billed": {"type": "bool"}}}
             """#,
             [
                 #"spec.json:1:33: collection: "system.users": collections named system.* belong to the server"#,
                 #"spec.json:1:63: database: "earl/bird" cannot name a database: MongoDB does not allow "/" in database names"#,
             ]),
            ("broken reachability rules",
             #"""
             {"preflight": 1, "compat": "c", "collection": "orders",
              "fields": {"billed": {"type": "bool"}},
              "reachability": [
                {"name": "billable", "popluation": {"status": "delivered"}, "query": {"billed": false}},
                {"name": "billable", "population": {}, "query": {}},
                {"name": "billed", "population": {}, "query": {"billed": {"$ne": true}}},
                "everything"
              ]}
             """#,
             [
                 "spec.json:4:25: reachability[0].popluation: unknown key `popluation` for a reachability rule; did you mean `population`?",
                 "spec.json:4:4: reachability[0]: missing required key \"population\" (a JSON object)",
                 #"spec.json:5:5: reachability[1].name: another reachability rule is already named "billable"; each is a test case, and names must be unique"#,
                 "spec.json:5:43: reachability[1].query: an empty query matches every document, so the rule would always pass: write the application's query",
                 #"spec.json:6:5: reachability[2].name: "billed" names a field of this spec too; each is a test case, and names must be unique"#,
                 #"spec.json:7:4: reachability[3]: expected a rule such as {"name": "…", "population": {…}, "query": {…}}, got "everything" (string)"#,
             ]),
            ("nothing to check",
             #"{"preflight": 1, "compat": "c", "collection": "orders"}"#,
             [#"spec.json:1:1: missing "fields" (what documents must carry) or "reachability" (queries that must see them): a compat spec needs at least one"#]),
            ("empty fields and rules",
             #"{"preflight": 1, "compat": "c", "collection": "orders", "fields": {}, "reachability": []}"#,
             ["spec.json:1:1: a compat spec needs at least one field or reachability rule: an empty one checks nothing and always passes"]),
        ])
    }

    /// the README's “Compat specs” spec, as the pack ships it: five fields in order, one rule, no scope.
    func testTheEarlyBirdSpecLoads() throws {
        let file = ScratchServerTestCase.packageRoot + "/scenarios/earlybird/compat/orders-0.7.json"
        let spec = try CompatLoader.load(file: file)
        XCTAssertEqual(spec.name, "orders carry the Phase 0.7 billing fields")
        XCTAssertEqual(spec.collection, "orders")
        XCTAssertEqual(spec.database, "earlybird")
        XCTAssertNil(spec.scope, "the pack holds every order, legacy or new, to the contract")
        XCTAssertEqual(spec.samples, 5)
        XCTAssertEqual(spec.fields.map(\.path), ["billed", "delivery_confirmed", "billed_at", "billed_month", "delivered_at"])
        XCTAssertEqual(spec.fields.map { $0.types ?? [] }, [["bool"], ["bool"], ["date", "null"], ["string", "null"], ["date", "null"]])
        XCTAssertEqual(spec.fields.map(\.defaultValue), [.bool(false), .bool(false), .null, .null, .null])
        XCTAssertEqual(spec.fields[3].pattern?.pattern, "^[0-9]{4}-[0-9]{2}$")
        XCTAssertFalse(spec.fields.contains(where: \.required))
        XCTAssertEqual(spec.reachability.map(\.name), ["every delivered, unbilled order is visible to the billing query"])
        XCTAssertEqual(spec.reachability.first?.query, ["status": "delivered", "delivery_confirmed": true, "billed": ["$ne": true]])
        XCTAssertEqual(spec.checkCount, 6)
    }

    /// `number` stands for every numeric type; a dotted path, a BSON regex with options and
    /// a field with no type (any type, a pattern for its strings) are all valid.
    func testTypeListsDottedPathsAndRegexOptionsLoad() throws {
        let written = try write(#"""
            {"preflight": 1, "compat": "c", "collection": "orders", "samples": 0,
             "scope": {"created_at": {"$lt": {"$date": "2026-01-27T20:00:00Z"}}},
             "fields": {"total": {"type": ["number", "int"]},
                        "address.city": {"type": "string", "required": true},
                        "code": {"pattern": {"$regularExpression": {"pattern": "^a", "options": "i"}}}}}
            """#, main: "spec.json")
        let spec = try CompatLoader.load(file: written.file)
        XCTAssertEqual(spec.fields[0].serverTypes, ["double", "int", "long", "decimal"])
        XCTAssertEqual(spec.fields[1].path, "address.city")
        XCTAssertTrue(spec.fields[1].required)
        XCTAssertNil(spec.fields[2].types)
        XCTAssertEqual(spec.fields[2].pattern, CompatPattern(pattern: "^a", options: "i", line: 5, column: 22))
        XCTAssertEqual(spec.samples, 0)
        XCTAssertEqual(spec.scope?.keys, ["created_at"])
    }

    /// `preflight check`'s catalog validates compat specs found in folders, next to
    /// scenarios, and keeps the valid ones.
    func testTheCatalogValidatesCompatSpecs() throws {
        let root = try folder([
            "good.json": #"{"preflight": 1, "compat": "good", "collection": "orders", "fields": {"billed": {"type": "bool"}}}"#,
            "compat/bad.json": #"{"preflight": 1, "compat": "bad", "collection": "orders", "fields": {"billed": {"type": "bol"}}}"#,
        ])
        let catalog = ScenarioCatalog.load([root], loader: ScenarioLoader())
        XCTAssertEqual(relative(catalog.errors, in: root), ["compat/bad.json:1:81: fields.billed.type: unknown type `bol`; did you mean `bool`?"])
        XCTAssertEqual(catalog.compatSpecs.map(\.name), ["good"])
    }
}
