import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// A corpus of broken scenario files, each loaded from disk and held to the exact errors
/// the README, “Scenario files” asks for (`file:LINE:COL: json.path: message`), plus valid files that must load.
///
/// Every expected line:column below was worked out from the text of its case, not copied
/// from the loader: a key's error points at the key's opening quote, an array element's at
/// its first character, malformed JSON at the offending token.
final class ScenarioLoaderTests: LoaderCorpusTestCase {

    // MARK: - Shared texts

    /// A library as the README, “Scenario files” describes it: `billing.run(month)` and a check.
    static let billingLibrary = #"""
        {
          "preflight": 1,
          "library": "billing",
          "procedures": {
            "run": {"params": ["month"], "steps": [
              {"updateMany": "orders", "filter": {"status": "delivered", "billed": {"$ne": true}},
               "update": {"$set": {"billed": true, "billed_month": {"$$var": "month"}}}}
            ]}
          },
          "checks": {
            "noDoubleBilling": {"aggregate": "billing_ledger",
                                "pipeline": [{"$group": {"_id": "$order_id", "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}}],
                                "expect": []}
          }
        }
        """#

    // MARK: - Malformed JSON

    static let malformedJSON: [Broken] = [
        Broken(
            name: "trailing comma",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {"a": 1,}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:41: unexpected "}": a trailing comma is not allowed in JSON"#]),
        Broken(
            name: "missing closing brace",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders"}
                 ]}]
                """#,
            // The input stops after column 4 of line 4: the problem is at its end, column 5.
            errors: ["scenario.json:4:5: unexpected end of input: an object, array or string is not closed"]),
        Broken(
            name: "bad $date",
            text: #"""
                {"preflight": 1, "name": "s",
                 "vars": {"since": {"$date": "27/01/2026"}},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:30: {"$date": "27/01/2026"} is not a date: write it in ISO 8601, such as 2026-01-05T00:00:00Z"#]),
        Broken(
            name: "bad $oid",
            text: #"""
                {"preflight": 1, "name": "s",
                 "vars": {"id": {"$oid": "5f0c8a3b2e4d1a0b9c8d7e6"}},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:26: {"$oid": "5f0c8a3b2e4d1a0b9c8d7e6"} is not an ObjectId: it takes exactly 24 hexadecimal digits"#]),
        Broken(
            name: "trailing content after the object",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                {"preflight": 1, "name": "second"}
                """#,
            errors: ["scenario.json:3:1: unexpected content after the end of the JSON value"]),
        Broken(
            name: "a top-level array",
            text: #"""
                [{"preflight": 1, "name": "s",
                  "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}]
                """#,
            errors: ["scenario.json:1:1: expected a scenario (a JSON object), got a JSON array"]),
    ]

    func testMalformedJSONIsReportedAtTheOffendingToken() {
        assertCorpus(Self.malformedJSON)
    }

    /// `tags` and `description` are checked like every other key: a wrong type is an error,
    /// not a value dropped without a word.
    func testTopLevelTagsAndDescriptionAreValidated() {
        assertCorpus([
            Broken(
                name: "tags not strings",
                text: #"""
                    {"preflight": 1, "name": "s", "tags": ["billing", 7],
                     "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                    """#,
                errors: ["scenario.json:1:51: tags[1]: expected a non-empty string, got 7 (int)"]),
            Broken(
                name: "description not a string",
                text: #"""
                    {"preflight": 1, "name": "s", "description": 5,
                     "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                    """#,
                errors: ["scenario.json:1:31: description: expected a string, got 5 (int)"]),
        ])
    }

    /// A missing comma between two members is reported as one, not as a trailing comma,
    /// and the unexpected character is shown readably.
    func testAMissingCommaIsNotCalledATrailingComma() {
        let text = #"""
            {"preflight": 1, "name": "s"
             "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
            """#
        guard let (folder, errors) = failure(text, name: "missing comma") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        XCTAssertEqual(errors.first?.line, 2, "\(shown)")
        XCTAssertEqual(errors.first?.column, 2, "\(shown)")
        XCTAssertFalse(errors.first?.message.contains("trailing comma") ?? true, "a comma is missing, not extra: \(shown)")
        XCTAssertFalse(errors.first?.message.contains(String(repeating: "\"", count: 3)) ?? true, "a quote shown as three quotes: \(shown)")
    }

    // MARK: - Top level

    static let topLevel: [Broken] = [
        Broken(
            name: "preflight 2",
            text: #"""
                {"preflight": 2, "name": "s",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: ["scenario.json:1:2: preflight: this Preflight reads format version 1, got 2 (int)"]),
        Broken(
            name: "preflight \"1\"",
            text: #"""
                {"name": "s", "preflight": "1",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:1:15: preflight: this Preflight reads format version 1, got "1" (string)"#]),
        Broken(
            name: "tests empty",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": []}
                """#,
            errors: ["scenario.json:2:2: tests: a scenario needs at least one test"]),
        Broken(
            name: "tests not an array",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": {"name": "t", "steps": []}}
                """#,
            errors: [#"scenario.json:2:2: tests: expected a JSON array, got {"name":"t","steps":[]} (document)"#]),
        Broken(
            name: "mode prod",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "prod",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:1:31: mode: expected "sandbox" or "live", got "prod""#]),
        Broken(
            name: "bad database name",
            text: #"""
                {"preflight": 1, "name": "s",
                 "database": "earlybird.prod",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:2: database: "earlybird.prod" cannot name a database: MongoDB does not allow "." in database names"#]),
        Broken(
            name: "requires: bad version, unknown topology",
            text: #"""
                {"preflight": 1, "name": "s",
                 "requires": {"minServerVersion": "6.x",
                              "topologies": ["single", "replica-set"]},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [
                #"scenario.json:2:15: requires.minServerVersion: expected a version such as "6.0", got "6.x""#,
                #"scenario.json:3:40: requires.topologies[1]: unknown topology `replica-set`; did you mean `replicaset`?"#,
            ]),
        Broken(
            name: "vars not an object",
            text: #"""
                {"preflight": 1, "name": "s", "vars": ["month"],
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:1:31: vars: expected a JSON object, got ["month"] (array)"#]),
    ]

    func testTopLevelKeysAreValidated() {
        assertCorpus(Self.topLevel)
    }

    /// Missing required keys are errors of the whole object: they point at its opening brace.
    /// (A JSON path of its own is what the other errors get; these get the object's place.)
    static let missingTopLevel: [Broken] = [
        Broken(
            name: "preflight missing",
            text: #"""
                {"name": "s",
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:1:1: missing required key "preflight" (the format version, 1)"#]),
        Broken(
            name: "name missing",
            text: #"""
                {"preflight": 1,
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:1:1: missing required key "name" (a non-empty string)"#]),
        Broken(
            name: "tests missing",
            text: #"""
                {"preflight": 1, "name": "s"}
                """#,
            errors: [#"scenario.json:1:1: missing required key "tests" (a JSON array)"#]),
        Broken(
            name: "unknown top-level key tset",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tset": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [
                #"scenario.json:2:2: tset: unknown key `tset`; did you mean `tests`?"#,
                #"scenario.json:1:1: missing required key "tests" (a JSON array)"#,
            ]),
    ]

    func testMissingTopLevelKeysPointAtTheOpeningBrace() {
        assertCorpus(Self.missingTopLevel)
    }

    // MARK: - Tests

    static let testLevel: [Broken] = [
        Broken(
            name: "unknown test key stpes",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [
                   {"name": "t", "stpes": [{"find": "orders"}]}
                 ]}
                """#,
            errors: [
                #"scenario.json:3:18: tests[0].stpes: unknown key `stpes`; did you mean `steps`?"#,
                #"scenario.json:3:4: tests[0]: missing required key "steps" (a JSON array)"#,
            ]),
        Broken(
            name: "duplicate test names",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [
                   {"name": "bills once", "steps": [{"find": "orders"}]},
                   {"name": "bills once", "steps": [{"count": "orders"}]}
                 ]}
                """#,
            errors: [#"scenario.json:4:5: tests[1].name: another test in this file is already named "bills once"; test names must be unique"#]),
        Broken(
            name: "a test that is not an object",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [
                   "bills once"
                 ]}
                """#,
            errors: [#"scenario.json:3:4: tests[0]: expected a test (a JSON object with "name" and "steps"), got "bills once" (string)"#]),
        Broken(
            name: "test repeat 0",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [
                   {"name": "t", "repeat": 0, "steps": [{"find": "orders"}]}
                 ]}
                """#,
            errors: ["scenario.json:3:18: tests[0].repeat: expected a whole number from 1 to 1000000, got 0 (int)"]),
        Broken(
            name: "expectCollections not an array",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [
                   {"name": "t", "steps": [{"find": "orders"}],
                    "expectCollections": {"orders": {"_id": 1}}}
                 ]}
                """#,
            errors: [#"scenario.json:4:27: tests[0].expectCollections.orders: expected the collection's documents as an array (in _id order), or {"exact": [...]} for documents with no other fields, got {"_id":1} (document)"#]),
    ]

    func testTestsAreValidated() {
        assertCorpus(Self.testLevel)
    }

    /// `steps` that is not an array is one mistake, reported once.
    func testStepsThatAreNotAnArrayAreReportedOnce() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "tests": [
               {"name": "t", "steps": {"find": "orders"}}
             ]}
            """#
        guard let (folder, errors) = failure(text, name: "steps not an array") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "one mistake, one error: \(shown)")
        XCTAssertEqual(shown.first?.hasPrefix(#"scenario.json:3:18: tests[0].steps: expected "#), true, "\(shown)")
        XCTAssertEqual(shown.first?.hasSuffix(#"got {"find":"orders"} (document)"#), true, "\(shown)")
    }

    // MARK: - Steps and arguments

    static let steps: [Broken] = [
        Broken(
            name: "no action, with a near miss",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders"},
                   {"fnd": "orders", "filter": {}}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:4: tests[0].steps[1]: a step needs exactly one action (an operation such as "find", or a control step such as "run"); `fnd` is not an action: did you mean `find`?"#]),
        Broken(
            name: "no action, nothing near",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"collection": "orders", "filter": {}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:4: tests[0].steps[0]: a step needs exactly one action (an operation such as "find", or a control step such as "run"); `collection` is not an action"#]),
        Broken(
            name: "two actions",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "count": "orders"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:4: tests[0].steps[0]: a step holds exactly one action, found "find" and "count""#]),
        Broken(
            name: "a step that is not an object",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders"}, "count orders"
                 ]}]}
                """#,
            errors: [#"scenario.json:3:24: tests[0].steps[1]: expected a step (a JSON object with one action), got "count orders" (string)"#]),
        Broken(
            name: "unknown argument fitler",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "fitler": {"status": "delivered"}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:23: tests[0].steps[0].fitler: unknown key `fitler` for `find`; did you mean `filter`?"#]),
        Broken(
            name: "updateOne without update",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"updateOne": "orders", "filter": {"_id": "o-1"}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:4: tests[0].steps[0]: "updateOne" needs "update""#]),
        Broken(
            name: "filter as an array",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": [{"status": "delivered"}]}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:23: tests[0].steps[0].filter: expected a JSON object, got [{"status":"delivered"}] (array)"#]),
        Broken(
            name: "limit -1",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {}, "limit": -1}
                 ]}]}
                """#,
            errors: ["scenario.json:3:37: tests[0].steps[0].limit: expected a whole number ≥ 0, got -1 (int)"]),
        Broken(
            name: "upsert \"yes\"",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"updateOne": "orders", "filter": {}, "update": {"$set": {"a": 1}},
                    "upsert": "yes"}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:5: tests[0].steps[0].upsert: expected true or false, got "yes" (string)"#]),
        Broken(
            name: "returnDocument later",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"findOneAndUpdate": "orders", "filter": {}, "update": {"$set": {"a": 1}},
                    "returnDocument": "later"}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:5: tests[0].steps[0].returnDocument: expected "before" or "after", got "later" (string)"#]),
        Broken(
            name: "bulkWrite with an unknown request kind",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"bulkWrite": "orders", "requests": [
                     {"insertOne": {"document": {"_id": 1}}},
                     {"insertMany": {"documents": [{"_id": 2}]}}
                   ]}
                 ]}]}
                """#,
            errors: [#"scenario.json:5:7: tests[0].steps[0].requests[1].insertMany: unknown request `insertMany`; did you mean `insertOne`?"#]),
        Broken(
            name: "an empty collection name",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": ""}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].find: expected a non-empty string, got "" (string)"#]),
        Broken(
            name: "save with an invalid variable name",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"insertOne": "orders", "document": {"_id": 1}, "save": "new-order"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:52: tests[0].steps[0].save: "new-order" is not a variable name: use letters, digits and _, starting with a letter or _"#]),
        Broken(
            name: "expect and expectError together",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"insertOne": "orders", "document": {"_id": 1},
                    "expect": {"insertedId": 1}, "expectError": {"codeName": "DuplicateKey"}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:4: tests[0].steps[0]: a step has "expect" or "expectError", not both: an operation either succeeds or fails"#]),
        Broken(
            name: "unknown expectError key",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"insertOne": "orders", "document": {"_id": 1}, "expectError": {"codeNmae": "DuplicateKey"}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:68: tests[0].steps[0].expectError.codeNmae: unknown key `codeNmae`; did you mean `codeName`?"#]),
        Broken(
            name: "an expect no result of the action can match",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"count": "orders", "filter": {}, "expect": "3"},
                   {"find": "orders", "filter": {}, "expect": {"_id": 1}},
                   {"insertOne": "orders", "document": {"_id": 1}, "expect": [1]},
                   {"findOneAndDelete": "orders", "filter": {}, "expect": []},
                   {"createIndex": "orders", "key": {"a": 1}, "expect": "a_1"},
                   {"count": "orders", "filter": {}, "expect": {"$numberDecimal": "3"}}
                 ]}]}
                """#,
            errors: [
                #"scenario.json:3:38: tests[0].steps[0].expect: `count` returns a number: write `expect` as a number such as 3, not "3""#,
                #"scenario.json:4:37: tests[0].steps[1].expect: `find` returns the documents as an array: write `expect` as [ … ] (or a matcher such as {"$$unordered": [ … ]})"#,
                #"scenario.json:5:52: tests[0].steps[2].expect: `insertOne` returns a result document such as {"insertedId": …}: write `expect` as an object"#,
                #"scenario.json:6:49: tests[0].steps[3].expect: `findOneAndDelete` returns the document, or null: write `expect` as an object or null"#,
                #"scenario.json:7:47: tests[0].steps[4].expect: `createIndex` returns the index's name as {"name": …}: write `expect` as an object"#,
                #"scenario.json:8:38: tests[0].steps[5].expect: `count` returns a number: write `expect` as a number such as 3, not {"$numberDecimal":"3"}"#,
            ]),
    ]

    func testStepsAndArgumentsAreValidated() {
        assertCorpus(Self.steps)
    }

    /// Matchers and variables stand for a result of any shape, and each action's own shape
    /// loads.
    func testAnExpectOfTheResultsShapeOrAMatcherLoads() throws {
        _ = try load(#"""
            {"preflight": 1, "name": "s", "vars": {"n": 1},
             "tests": [{"name": "t", "steps": [
               {"count": "orders", "filter": {}, "expect": {"$$var": "n"}},
               {"count": "orders", "filter": {}, "expect": {"$numberLong": "1"}},
               {"estimatedDocumentCount": "orders", "expect": 1.0},
               {"find": "orders", "filter": {}, "expect": {"$$unordered": [{"_id": 1}]}},
               {"distinct": "orders", "key": "status", "expect": ["new"]},
               {"findOneAndDelete": "orders", "filter": {}, "expect": null},
               {"updateOne": "orders", "filter": {}, "update": {"$set": {"a": 1}}, "expect": {"matchedCount": 1}},
               {"createIndex": "orders", "key": {"a": 1}, "expect": {"name": "a_1"}},
               {"command": {"ping": 1}, "expect": {"ok": 1}}
             ]}]}
            """#)
    }

    // MARK: - Operators and variables

    static let operators: [Broken] = [
        Broken(
            name: "$$vra in arguments",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {"billed_month": {"$$vra": "month"}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:51: tests[0].steps[0].filter.billed_month.$$vra: unknown operator `$$vra`; did you mean `$$var`? (arguments may use $$var, $$now and $$newObjectId)"#]),
        Broken(
            name: "a match operator in arguments",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {"billed": {"$$exists": true}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:45: tests[0].steps[0].filter.billed.$$exists: unknown operator `$$exists`; expected one of `$$var`, `$$now`, `$$newObjectId` (arguments may use $$var, $$now and $$newObjectId)"#]),
        Broken(
            name: "$$tyep in expect",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "expect": [{"billed_at": {"$$tyep": "date"}}]}
                 ]}]}
                """#,
            errors: ["scenario.json:3:49: tests[0].steps[0].expect[0].billed_at.$$tyep: unknown operator `$$tyep`; did you mean `$$type`?"]),
        Broken(
            name: "bad $$type alias",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"findOneAndDelete": "orders", "filter": {},
                    "expect": {"billed": {"$$type": "boolean"}}}
                 ]}]}
                """#,
            errors: ["scenario.json:4:27: tests[0].steps[0].expect.billed.$$type: unknown type `boolean` in `$$type`; did you mean `bool`?"]),
        Broken(
            name: "unknown variable with a suggestion",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"count": "orders", "filter": {"billed_month": {"$$var": "mnth"}}, "expect": 1}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:52: tests[0].steps[0].filter.billed_month.$$var: unknown variable `mnth`; did you mean `month`?"#]),
        Broken(
            name: "unknown variable in expect",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders",
                    "expect": [{"billed_month": {"$$var": "months"}}]}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:34: tests[0].steps[0].expect[0].billed_month.$$var: unknown variable `months`; did you mean `month`?"#]),
        Broken(
            name: "$$now with a wrong argument",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {"due": {"$lt": {"$$now": {"offset": -60}}}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:50: tests[0].steps[0].filter.due.$lt.$$now: expected {} or {"offsetSeconds": a number of seconds within ±100000000000}, got {"offset":-60} (document)"#]),
        Broken(
            name: "$$var beside another key in arguments",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"find": "orders", "filter": {"billed_month": {"$$var": "month", "$eq": 1}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:34: tests[0].steps[0].filter.billed_month: "$$var" must be the only key of its object"#]),
    ]

    func testOperatorsAndVariablesAreValidated() {
        assertCorpus(Self.operators)
    }

    // MARK: - Scopes

    static let scopes: [Broken] = [
        Broken(
            name: "saved in a parallel branch, used after the parallel step",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"parallel": [
                     [{"find": "orders", "save": "claimed"}],
                     [{"count": "orders"}]
                   ]},
                   {"expectVar": "claimed", "expect": []}
                 ]}]}
                """#,
            errors: [#"scenario.json:7:5: tests[0].steps[1].expectVar: unknown variable `claimed`; expected one of `month`"#]),
        Broken(
            name: "saved in one parallel branch, used in the other",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"parallel": [
                     [{"find": "orders", "save": "claimed"}],
                     [{"find": "orders", "filter": {"_id": {"$$var": "claimed.0._id"}}}]
                   ]}
                 ]}]}
                """#,
            errors: [#"scenario.json:5:45: tests[0].steps[0].parallel[1][0].filter._id.$$var: unknown variable `claimed`; expected one of `month`"#]),
        Broken(
            name: "saved inside forEach, used after it",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"orders": [{"_id": 1}]},
                 "tests": [{"name": "t", "steps": [
                   {"forEach": "orders", "as": "order", "steps": [
                     {"insertOne": "ledger", "document": {"order": {"$$var": "order._id"}}, "save": "entry"}
                   ]},
                   {"find": "ledger", "filter": {"_id": {"$$var": "entry.insertedId"}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:6:42: tests[0].steps[1].filter._id.$$var: unknown variable `entry`; expected one of `orders`"#]),
        Broken(
            name: "the as variable used after forEach",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"orders": [{"_id": 1}]},
                 "tests": [{"name": "t", "steps": [
                   {"forEach": "orders", "as": "order", "steps": [
                     {"count": "ledger", "filter": {"order": {"$$var": "order._id"}}}
                   ]},
                   {"expectVar": "order", "expect": {"_id": 1}}
                 ]}]}
                """#,
            errors: [#"scenario.json:6:5: tests[0].steps[1].expectVar: unknown variable `order`; did you mean `orders`?"#]),
        Broken(
            name: "used before the step that saves it",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "tests": [{"name": "t", "steps": [
                   {"expectVar": "created", "expect": {"insertedId": 1}},
                   {"insertOne": "orders", "document": {"_id": 1}, "save": "created"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].expectVar: unknown variable `created`; expected one of `month`"#]),
        Broken(
            name: "saved inside a procedure, used after run",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "procedures": {"claim": {"steps": [{"find": "orders", "save": "claimed"}]}},
                 "tests": [{"name": "t", "steps": [
                   {"run": "claim"},
                   {"expectVar": "claimed", "expect": []}
                 ]}]}
                """#,
            errors: [#"scenario.json:5:5: tests[0].steps[1].expectVar: unknown variable `claimed`; expected one of `month`"#]),
        Broken(
            name: "forEach over an unknown variable",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"orders": [{"_id": 1}]},
                 "tests": [{"name": "t", "steps": [
                   {"forEach": "order", "as": "o", "steps": [{"find": "orders"}]}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].forEach: unknown variable `order`; did you mean `orders`?"#]),
    ]

    func testBranchAndIterationScopesDoNotLeak() {
        assertCorpus(Self.scopes)
    }

    /// With nothing defined, the message says so, and has no dangling "expected one of".
    func testUnknownNamesWithNothingToSuggestSayNothingIsDefined() {
        assertCorpus([
            Broken(
                name: "unknown variable, no variables at all",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [
                       {"find": "orders", "filter": {"_id": {"$$var": "orderId"}}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:42: tests[0].steps[0].filter._id.$$var: unknown variable `orderId` (no variables are defined here)"#]),
        ])
        // The same rule for every kind of name with no candidates: the message must not
        // end in "expected one of " followed by nothing.
        let text = #"""
            {"preflight": 1, "name": "s",
             "tests": [{"name": "t", "steps": [
               {"run": "billing.run"},
               {"check": "noDoubleBilling"},
               {"forEach": "orders", "as": "order", "steps": [{"find": "orders"}]},
               {"expectVar": "total", "expect": 1}
             ]}]}
            """#
        guard let (_, errors) = failure(text, name: "no candidates") else { return }
        XCTAssertEqual(errors.count, 4, "\(errors)")
        for error in errors {
            XCTAssertFalse(error.message.hasSuffix("expected one of "), "dangling list: \(error)")
            XCTAssertFalse(error.message.contains("expected one of  "), "empty list: \(error)")
            XCTAssertTrue(error.message.hasPrefix("unknown "), "\(error)")
        }
    }

    // MARK: - Procedures, includes, libraries

    static let procedures: [Broken] = [
        Broken(
            name: "run of an unknown procedure",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [
                   {"run": "billing.rn", "with": {"month": {"$$var": "month"}}}
                 ]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:4:5: tests[0].steps[0].run: unknown procedure `billing.rn`; did you mean `billing.run`?"#]),
        Broken(
            name: "run without a library prefix",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"month": "2026-01"},
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [
                   {"run": "run", "with": {"month": "2026-01"}}
                 ]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:4:5: tests[0].steps[0].run: unknown procedure `run`; expected one of `billing.run`"#]),
        Broken(
            name: "run with a missing parameter",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [
                   {"run": "billing.run", "with": {}}
                 ]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:4:27: tests[0].steps[0].with: "billing.run" needs the parameter "month""#]),
        Broken(
            name: "run with an extra parameter",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [
                   {"run": "billing.run", "with": {"month": "2026-01", "dryRun": true}}
                 ]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:4:56: tests[0].steps[0].with.dryRun: unknown parameter `dryRun` for `billing.run`; expected one of `month`"#]),
        Broken(
            name: "library with malformed JSON",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            files: ["lib/billing.json": "{\n  \"preflight\": 1,\n  \"library\": \"billing\",\n  \"procedures\": {},\n}\n"],
            errors: [#"lib/billing.json:5:1: unexpected "}": a trailing comma is not allowed in JSON"#]),
        Broken(
            name: "a broken step inside a library procedure",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [{"run": "billing.run", "with": {"month": "2026-01"}}]}]}
                """#,
            files: ["lib/billing.json": #"""
                {
                  "preflight": 1,
                  "library": "billing",
                  "procedures": {
                    "run": {"params": ["month"], "steps": [
                      {"updateMany": "orders", "fitler": {}, "update": {"$set": {"billed_month": {"$$var": "month"}}}}
                    ]}
                  }
                }
                """#],
            errors: [
                #"lib/billing.json:6:32: procedures.run.steps[0].fitler: unknown key `fitler` for `updateMany`; did you mean `filter`?"#,
                #"lib/billing.json:6:7: procedures.run.steps[0]: "updateMany" needs "filter""#,
            ]),
        Broken(
            name: "the same library included twice",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json", "lib/../lib/billing.json"],
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:2:34: include[1]: the library "billing" is included twice"#]),
    ]

    func testProceduresAndLibrariesAreValidated() {
        assertCorpus(Self.procedures)
    }

    /// A missing include is a problem of the scenario that names it: the error points at the
    /// `include` entry in the scenario (line and column), and names the file it looked for.
    func testIncludeOfAMissingFileIsReportedAtTheIncludeEntry() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "include": ["lib/billing.json"],
             "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
            """#
        guard let (folder, errors) = failure(text, name: "missing include") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        guard let error = errors.first else { return }
        XCTAssertEqual(error.file, folder + "/scenario.json", "the including scenario is where the mistake is: \(shown)")
        XCTAssertEqual(error.path?.description, "include[0]", "\(shown)")
        XCTAssertEqual(error.line, 2, "\(shown)")
        XCTAssertEqual(error.column, 14, "\(shown)")
        XCTAssertTrue(error.message.contains("lib/billing.json"), "names the file looked for: \(shown)")
        XCTAssertTrue(error.message.contains("no such file"), "\(shown)")
    }

    /// Including a scenario (not a library) is the including file's mistake, at its entry.
    func testIncludeOfAScenarioIsReportedAtTheIncludeEntry() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "include": ["other.json"],
             "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
            """#
        let other = #"{"preflight": 1, "name": "other", "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}"#
        guard let (folder, errors) = failure(text, files: ["other.json": other], name: "include of a scenario") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        guard let error = errors.first else { return }
        XCTAssertTrue(error.message.contains("is a scenario, not a library"), "\(shown)")
        XCTAssertEqual(error.file, folder + "/scenario.json", "the including scenario is where the mistake is: \(shown)")
        XCTAssertEqual(error.path?.description, "include[0]", "\(shown)")
        XCTAssertEqual(error.line, 2, "\(shown)")
        XCTAssertEqual(error.column, 14, "\(shown)")
        XCTAssertTrue(error.message.contains("other.json"), "names the included file: \(shown)")
    }

    // MARK: - Checks

    static let checks: [Broken] = [
        Broken(
            name: "a check that writes",
            text: #"""
                {"preflight": 1, "name": "s",
                 "checks": {
                   "fixBilling": {"updateMany": "orders", "filter": {}, "update": {"$set": {"billed": true}}, "expect": {"matchedCount": 0}}
                 },
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:3:4: checks.fixBilling: a check is one read operation (find, aggregate, count, distinct) with an "expect"; this one writes"#]),
        Broken(
            name: "a check without expect",
            text: #"""
                {"preflight": 1, "name": "s",
                 "checks": {
                   "billable": {"count": "orders", "filter": {"billed": false}}
                 },
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:3:4: checks.billable: a check needs an "expect": it is an assertion"#]),
        Broken(
            name: "test checks naming an unknown check",
            text: #"""
                {"preflight": 1, "name": "s",
                 "include": ["lib/billing.json"],
                 "tests": [{"name": "t", "steps": [{"find": "orders"}],
                            "checks": ["billing.noDoubleBiling"]}]}
                """#,
            files: ["lib/billing.json": billingLibrary],
            errors: [#"scenario.json:4:24: tests[0].checks[0]: unknown check `billing.noDoubleBiling`; did you mean `billing.noDoubleBilling`?"#]),
        Broken(
            name: "a check step naming an unknown check",
            text: #"""
                {"preflight": 1, "name": "s",
                 "checks": {"noDoubleBilling": {"count": "billing_ledger", "expect": 0}},
                 "tests": [{"name": "t", "steps": [
                   {"check": "noDoubleBiling"}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:5: tests[0].steps[0].check: unknown check `noDoubleBiling`; did you mean `noDoubleBilling`?"#]),
        Broken(
            name: "a check that saves",
            text: #"""
                {"preflight": 1, "name": "s",
                 "checks": {"billable": {"count": "orders", "expect": 0, "save": "n"}},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:58: checks.billable.save: a check only asserts; it cannot save variables"#]),
    ]

    func testChecksAreValidated() {
        assertCorpus(Self.checks)
    }

    /// A check is read-only (the README, “Scenario files”): neither a writing command nor an `$out` stage.
    func testChecksThatWriteThroughACommandOrAPipelineAreRejected() {
        assertCorpus([
            Broken(
                name: "a check that is a writing command",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "checks": {
                       "purge": {"command": {"delete": "orders", "deletes": [{"q": {}, "limit": 0}]}, "expect": {"ok": 1}}
                     },
                     "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                    """#,
                errors: [#"scenario.json:3:4: checks.purge: a check is one read operation (find, aggregate, count, distinct) with an "expect"; this one writes"#]),
            Broken(
                name: "a check whose pipeline writes with $out",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "checks": {
                       "snapshot": {"aggregate": "orders", "pipeline": [{"$out": "orders_copy"}], "expect": []}
                     },
                     "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                    """#,
                errors: [#"scenario.json:3:4: checks.snapshot: a check is one read operation (find, aggregate, count, distinct) with an "expect"; this one writes"#]),
        ])
    }

    // MARK: - Fixtures

    static let fixtures: [Broken] = [
        Broken(
            name: "fixture with both documents and file",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {
                   "orders": {"documents": [{"_id": 1}], "file": "orders.ndjson"}
                 },
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            files: ["orders.ndjson": "{\"_id\": 2}\n"],
            errors: [#"scenario.json:3:4: fixtures.orders: a fixture has "documents" or "file", not both"#]),
        Broken(
            name: "NDJSON fixture with a broken line",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"customers_v2": {"file": "fixtures/customers_v2.ndjson"}},
                 "tests": [{"name": "t", "steps": [{"find": "customers_v2"}]}]}
                """#,
            files: ["fixtures/customers_v2.ndjson": "{\"_id\": 1, \"phone\": \"555-0100\"}\n{\"_id\": 2, \"phone\": \"555-0101\"}\n{\"_id\": 3, \"phone\": 555-0102}\n"],
            errors: [#"fixtures/customers_v2.ndjson:3:24: unexpected "-": invalid number (NDJSON: one document per line)"#]),
        Broken(
            name: "inline fixture with a non-document element",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"orders": [{"_id": 1}, 2]},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: ["scenario.json:2:38: fixtures.orders[1]: expected a document, got 2 (int)"]),
        Broken(
            name: "fixture neither array nor object",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"orders": "orders.ndjson"},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:15: fixtures.orders: expected an array of documents, or {"documents": […]} / {"file": "…"} with optional "indexes" and "options", got "orders.ndjson" (string)"#]),
        Broken(
            name: "fixture index without a key",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"customers_v2": {"documents": [], "indexes": [{"keys": {"phone": 1}}]}},
                 "tests": [{"name": "t", "steps": [{"find": "customers_v2"}]}]}
                """#,
            errors: [#"scenario.json:2:61: fixtures.customers_v2.indexes[0]: expected an index such as {"key": {"phone": 1}, "unique": true}, got {"keys":{"phone":1}} (document)"#]),
        Broken(
            name: "fixture on a system collection",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"system.users": []},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:15: fixtures["system.users"]: "system.users": collections named system.* belong to the server"#]),
        Broken(
            name: "unknown fixture key",
            text: #"""
                {"preflight": 1, "name": "s",
                 "fixtures": {"orders": {"documents": [], "indexs": []}},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: [#"scenario.json:2:43: fixtures.orders.indexs: unknown key `indexs`; did you mean `indexes`?"#]),
    ]

    func testFixturesAreValidated() {
        assertCorpus(Self.fixtures)
    }

    /// A JSON-array fixture file with a non-document element: the error names the fixture
    /// file, the element's path, and its line and column.
    func testFixtureArrayFileWithANonDocumentIsLocated() {
        assertCorpus([
            Broken(
                name: "fixture JSON array with a non-document element",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "fixtures": {"orders": {"file": "fixtures/orders.json"}},
                     "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                    """#,
                files: ["fixtures/orders.json": "[\n  {\"_id\": \"o-1\"},\n  \"o-2\",\n  {\"_id\": \"o-3\"}\n]\n"],
                errors: [#"fixtures/orders.json:3:3: [1]: expected a document, got "o-2" (string)"#]),
        ])
    }

    /// A fixture file that does not exist is the scenario's mistake: reported at its `file`.
    func testMissingFixtureFileIsReportedAtTheFixtureEntry() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "fixtures": {"orders": {"file": "fixtures/orders.ndjson"}},
             "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
            """#
        guard let (folder, errors) = failure(text, name: "missing fixture file") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        guard let error = errors.first else { return }
        XCTAssertEqual(error.file, folder + "/scenario.json", "\(shown)")
        XCTAssertEqual(error.path?.description, "fixtures.orders.file", "\(shown)")
        XCTAssertEqual(error.line, 2, "\(shown)")
        XCTAssertEqual(error.column, 26, "\(shown)")
        XCTAssertTrue(error.message.contains("fixtures/orders.ndjson"), "\(shown)")
        XCTAssertTrue(error.message.contains("no such file"), "\(shown)")
    }

    // MARK: - Live mode, commands, fail points

    static let live: [Broken] = [
        Broken(
            name: "live with fixtures",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "fixtures": {"orders": []},
                 "tests": [{"name": "t", "steps": [{"find": "orders"}]}]}
                """#,
            errors: ["scenario.json:2:2: fixtures: a live scenario has no fixtures: it reads the real database as it is"]),
        Broken(
            name: "live with insertOne",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "tests": [{"name": "t", "steps": [
                   {"insertOne": "orders", "document": {"_id": "probe"}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].insertOne: "insertOne" writes, and a live scenario may only read (find, aggregate, count, distinct, listIndexes, read-only commands)"#]),
        Broken(
            name: "live with aggregate $out",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "tests": [{"name": "t", "steps": [
                   {"aggregate": "orders", "pipeline": [{"$match": {"billed": true}}, {"$out": "billed_orders"}]}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:71: tests[0].steps[0].pipeline[1]: "$out" writes, and a live scenario may only read"#]),
        Broken(
            name: "live with command insert",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "tests": [{"name": "t", "steps": [
                   {"command": {"insert": "orders", "documents": [{"_id": "probe"}]}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].command: the command "insert" may write, and a live scenario may only read; read-only commands: aggregate, buildInfo, buildinfo, collStats, count, dbStats, distinct, find, hello, isMaster, ismaster, listCollections, listIndexes, ping, serverStatus"#]),
        Broken(
            name: "live with failPoint",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "requires": {"failPoints": true},
                 "tests": [{"name": "t", "steps": [
                   {"failPoint": {"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": {"failCommands": ["find"]}}}
                 ]}]}
                """#,
            errors: ["scenario.json:4:5: tests[0].steps[0].failPoint: a live scenario may not set fail points: they change the server's behaviour for every client"]),
        Broken(
            name: "live with createIndex",
            text: #"""
                {"preflight": 1, "name": "s", "mode": "live", "database": "earlybird",
                 "tests": [{"name": "t", "steps": [
                   {"createIndex": "orders", "key": {"billed": 1}, "name": "billed_1"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].createIndex: "createIndex" writes, and a live scenario may only read (find, aggregate, count, distinct, listIndexes, read-only commands)"#]),
    ]

    func testLiveFilesMayOnlyRead() {
        assertCorpus(Self.live)
    }

    static let commands: [Broken] = [
        Broken(
            name: "sandbox command on another database",
            text: #"""
                {"preflight": 1, "name": "s", "database": "earlybird",
                 "tests": [{"name": "t", "steps": [
                   {"command": {"count": "orders"}, "on": "earlybird_prod"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:37: tests[0].steps[0].on: commands go to the scenario's database "earlybird" or to "admin"; "earlybird_prod" is a database this scenario does not own"#]),
        Broken(
            name: "command on admin that writes",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"command": {"dropDatabase": 1}, "on": "admin"}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:37: tests[0].steps[0].on: only read-only commands may be sent to "admin"; "dropDatabase" is not one (use a "failPoint" step for fail points)"#]),
        Broken(
            name: "an empty command",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"command": {}}
                 ]}]}
                """#,
            errors: ["scenario.json:3:5: tests[0].steps[0].command: expected the command document, got an empty object"]),
        Broken(
            name: "sandbox $merge into another database",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"aggregate": "orders", "pipeline": [{"$merge": {"into": {"db": "earlybird", "coll": "x"}}}]}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:41: tests[0].steps[0].pipeline[0]: "$merge" into database "earlybird" would write outside the scenario's sandbox"#]),
        Broken(
            name: "failPoint without requires.failPoints",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"failPoint": {"configureFailPoint": "failCommand", "mode": {"times": 1}, "data": {"failCommands": ["insert"], "errorCode": 91}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].failPoint: a scenario that sets fail points must say so with "requires": {"failPoints": true}, so servers without them skip it"#]),
        Broken(
            name: "failPoint without a mode",
            text: #"""
                {"preflight": 1, "name": "s", "requires": {"failPoints": true},
                 "tests": [{"name": "t", "steps": [
                   {"failPoint": {"configureFailPoint": "failCommand", "data": {"failCommands": ["insert"]}}}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].failPoint: a fail point needs a "mode" such as {"times": 1} or "alwaysOn""#]),
    ]

    func testCommandsStayInsideTheSandbox() {
        assertCorpus(Self.commands)
    }

    // MARK: - Control steps

    static let control: [Broken] = [
        Broken(
            name: "parallel with one branch",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"parallel": [[{"find": "orders"}]]}
                 ]}]}
                """#,
            errors: ["scenario.json:3:5: tests[0].steps[0].parallel: expected at least two branches (arrays of steps), got 1"]),
        Broken(
            name: "transaction nested in a transaction",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"transaction": [
                     {"insertOne": "orders", "document": {"_id": 1}},
                     {"transaction": [{"insertOne": "orders", "document": {"_id": 2}}]}
                   ]}
                 ]}]}
                """#,
            errors: ["scenario.json:5:6: tests[0].steps[0].transaction[1]: transactions do not nest"]),
        Broken(
            name: "parallel inside a transaction",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"transaction": [
                     {"parallel": [[{"find": "orders"}], [{"find": "orders"}]]}
                   ]}
                 ]}]}
                """#,
            errors: [#"scenario.json:4:6: tests[0].steps[0].transaction[0]: a "parallel" step cannot run inside a transaction: each branch has a connection of its own"#]),
        Broken(
            name: "repeat 0",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"repeat": 0, "steps": [{"find": "orders"}]}
                 ]}]}
                """#,
            errors: ["scenario.json:3:5: tests[0].steps[0].repeat: expected a whole number from 1 to 1000000, got 0 (int)"]),
        Broken(
            name: "sleep -1",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"sleep": -1}
                 ]}]}
                """#,
            errors: ["scenario.json:3:5: tests[0].steps[0].sleep: expected a whole number from 0 to 600000, got -1 (int)"]),
        Broken(
            name: "expectVar of an unknown variable",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"total": 100},
                 "tests": [{"name": "t", "steps": [
                   {"expectVar": "totl", "expect": 100}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].expectVar: unknown variable `totl`; did you mean `total`?"#]),
        Broken(
            name: "compat step without a path",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"compat": 7}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:5: tests[0].steps[0].compat: expected a non-empty string, got 7 (int)"#]),
        Broken(
            name: "forEach without as",
            text: #"""
                {"preflight": 1, "name": "s", "vars": {"orders": []},
                 "tests": [{"name": "t", "steps": [
                   {"forEach": "orders", "steps": []}
                 ]}]}
                """#,
            errors: [#"scenario.json:3:4: tests[0].steps[0]: missing required key "as" (a non-empty string)"#]),
        Broken(
            name: "unknown key on a control step",
            text: #"""
                {"preflight": 1, "name": "s",
                 "tests": [{"name": "t", "steps": [
                   {"repeat": 2, "stpes": [{"find": "orders"}]}
                 ]}]}
                """#,
            errors: [
                #"scenario.json:3:18: tests[0].steps[0].stpes: unknown key `stpes`; did you mean `steps`?"#,
                #"scenario.json:3:4: tests[0].steps[0]: missing required key "steps" (the steps to repeat)"#,
            ]),
    ]

    func testControlStepsAreValidated() {
        assertCorpus(Self.control)
    }

    // MARK: - Loader holes found while writing this corpus

    /// `insertMany`'s `documents` must be an array: an object is a wrong argument type.
    func testInsertManyDocumentsMustBeAnArray() {
        assertCorpus([
            Broken(
                name: "insertMany documents as an object",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [
                       {"insertMany": "orders", "documents": {"_id": 1}}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:29: tests[0].steps[0].documents: expected a JSON array, got {"_id":1} (document)"#]),
        ])
    }

    /// A step that forgot its action but has an `expect` is not told to use `expectVar`:
    /// `expect` is a key every operation may carry, not a misspelt action.
    func testAStepWithoutAnActionIsNotSentToExpectVar() {
        assertCorpus([
            Broken(
                name: "a find step without find",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "tests": [{"name": "t", "steps": [
                       {"filter": {"billed": false}, "expect": []}
                     ]}]}
                    """#,
                errors: [#"scenario.json:3:4: tests[0].steps[0]: a step needs exactly one action (an operation such as "find", or a control step such as "run"); `filter` is not an action"#]),
        ])
    }

    /// A key written twice in one object is a mistake, not something to resolve silently.
    func testADuplicateKeyInAStepIsAnError() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "tests": [{"name": "t", "steps": [
               {"find": "orders", "filter": {"billed": false}, "filter": {"billed": true}}
             ]}]}
            """#
        guard let (folder, errors) = failure(text, name: "duplicate key") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        XCTAssertEqual(errors.first?.path?.description, "tests[0].steps[0].filter", "\(shown)")
        XCTAssertEqual(errors.first?.line, 3, "\(shown)")
        XCTAssertEqual(errors.first?.column, 52, "the second \"filter\": \(shown)")
        XCTAssertTrue(errors.first?.message.contains("filter") == true, "\(shown)")
    }

    /// MongoDB has no nested transactions, and a `run` does not hide one: a procedure
    /// that opens a transaction cannot be run inside another.
    func testATransactionReachedThroughRunInsideATransactionIsRejected() {
        let text = #"""
            {"preflight": 1, "name": "s",
             "procedures": {"bill": {"steps": [{"transaction": [{"insertOne": "ledger", "document": {"_id": 1}}]}]}},
             "tests": [{"name": "t", "steps": [
               {"transaction": [{"run": "bill"}]}
             ]}]}
            """#
        guard let (folder, errors) = failure(text, name: "transaction through run") else { return }
        let shown = relative(errors, in: folder)
        XCTAssertEqual(errors.count, 1, "\(shown)")
        XCTAssertEqual(errors.first?.path?.description, "tests[0].steps[0].transaction[0]", "\(shown)")
        XCTAssertEqual(errors.first?.line, 4, "\(shown)")
        XCTAssertEqual(errors.first?.column, 21, "\(shown)")
        XCTAssertTrue(errors.first?.message.contains("transaction") == true, "\(shown)")
    }

    // MARK: - Every located error is located

    /// Every error that names a JSON path also names a line and column in its file; and
    /// for a key, that line:column is where the key's opening quote is.
    func testEveryErrorWithAJSONPathHasALineAndColumn() {
        let corpus = Self.malformedJSON + Self.topLevel + Self.missingTopLevel + Self.testLevel + Self.steps
            + Self.operators + Self.scopes + Self.procedures + Self.checks + Self.fixtures + Self.live + Self.commands
            + Self.control
        XCTAssertGreaterThanOrEqual(corpus.count, 50)
        for broken in corpus {
            guard let (folder, errors) = failure(broken.text, files: broken.files, overrides: broken.overrides, name: broken.name)
            else { continue }
            for error in errors where error.path != nil {
                XCTAssertNotNil(error.line, "\(broken.name): \(relative([error], in: folder))")
                XCTAssertNotNil(error.column, "\(broken.name): \(relative([error], in: folder))")
                guard let line = error.line, let column = error.column,
                    case .key(let key)? = error.path?.components.last,
                    let text = try? String(contentsOfFile: error.file, encoding: .utf8)
                else { continue }
                // The error is at its own key (or, for a key it reports missing, its object).
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                guard line <= lines.count else { return XCTFail("\(broken.name): line \(line) past the end") }
                let rest = String(lines[line - 1].dropFirst(column - 1))
                XCTAssertTrue(
                    rest.hasPrefix("\"\(key)\"") || rest.hasPrefix("{"),
                    "\(broken.name): \(relative([error], in: folder)) points at \(rest.prefix(20).debugDescription)")
            }
        }
    }

    // MARK: - Valid files

    /// the README's “Scenario files” example, with its library and NDJSON fixture file beside it.
    static let designExample = #"""
        {
          "preflight": 1,
          "name": "Billing query finds delivered, non-billed orders",
          "description": "Phase 0.7, checklist test 3",
          "tags": ["phase-0.7", "billing"],
          "requires": {"minServerVersion": "6.0", "topologies": ["replicaset", "sharded"]},
          "database": "earlybird",
          "mode": "sandbox",
          "vars": {"month": "2026-01"},
          "include": ["../lib/billing.json"],
          "fixtures": {
            "orders": [{"_id": "o-1", "status": "delivered", "delivery_confirmed": true, "billed": false, "total": 100}],
            "customers_v2": {"file": "../fixtures/customers_v2.ndjson",
                             "indexes": [{"key": {"phone": 1}, "unique": true}]}
          },
          "tests": [
            {
              "name": "a delivered order is billed exactly once",
              "steps": [
                {"find": "orders", "filter": {"status": "delivered", "delivery_confirmed": true, "billed": {"$ne": true}},
                 "sort": {"status": 1, "_id": -1}, "expect": [{"_id": "o-1"}], "save": "billable"},
                {"run": "billing.run", "with": {"month": {"$$var": "month"}}},
                {"run": "billing.run", "with": {"month": {"$$var": "month"}}},
                {"count": "orders", "filter": {"billed": true}, "expect": 1}
              ],
              "expectCollections": {"orders": [{"_id": "o-1", "billed": true, "billed_month": "2026-01",
                                                 "billed_at": {"$$type": "date"}}]}
            },
            {
              "name": "billing twice in a row stays billed once",
              "repeat": 3,
              "steps": [
                {"expectVar": "month", "expect": "2026-01"}
              ],
              "checks": ["billing.noDoubleBilling"]
            }
          ]
        }
        """#

    static let customersNDJSON = """
        {"_id": 3, "phone": "555-0103", "name": "Cleo"}
        {"_id": 1, "phone": "555-0101", "name": "Ada"}

        {"_id": 2, "phone": "555-0102", "name": "Bo", "since": {"$date": "2026-01-27T20:00:00Z"}}

        """

    func testTheDesignExampleLoads() throws {
        let scenario = try load(
            Self.designExample,
            files: ["lib/billing.json": Self.billingLibrary, "fixtures/customers_v2.ndjson": Self.customersNDJSON],
            main: "scenarios/billing.json")
        XCTAssertEqual(scenario.name, "Billing query finds delivered, non-billed orders")
        XCTAssertEqual(scenario.description, "Phase 0.7, checklist test 3")
        XCTAssertEqual(scenario.tags, ["phase-0.7", "billing"])
        XCTAssertEqual(scenario.requires, Requirements(minServerVersion: "6.0", topologies: ["replicaset", "sharded"]))
        XCTAssertEqual(scenario.database, "earlybird")
        XCTAssertEqual(scenario.mode, .sandbox)
        XCTAssertEqual(scenario.vars, ["month": "2026-01"])

        // Fixtures: in file order; the NDJSON file's documents in line order, blank lines skipped.
        XCTAssertEqual(scenario.fixtures.map(\.collection), ["orders", "customers_v2"])
        XCTAssertEqual(scenario.fixtures.first?.documents.count, 1)
        let customers = scenario.fixtures.last
        XCTAssertEqual(customers?.documents.count, 3)
        XCTAssertEqual(customers?.documents.map { $0["_id"] }, [3, 1, 2])
        XCTAssertEqual(customers?.documents.last?["since"], .datetime(1_769_544_000_000))
        XCTAssertEqual(customers?.documents.first?.keys, ["_id", "phone", "name"])
        XCTAssertEqual(customers?.indexes, [["key": ["phone": 1], "unique": true]])

        // Procedures and checks of the library carry its name.
        XCTAssertEqual(scenario.procedures.keys.sorted(), ["billing.run"])
        XCTAssertEqual(scenario.procedures["billing.run"]?.params, ["month"])
        XCTAssertEqual(scenario.procedures["billing.run"]?.steps.count, 1)
        XCTAssertEqual(scenario.procedures["billing.run"]?.steps.first?.file.hasSuffix("/lib/billing.json"), true)
        XCTAssertEqual(scenario.checks.keys.sorted(), ["billing.noDoubleBilling"])

        XCTAssertEqual(scenario.tests.map(\.name), ["a delivered order is billed exactly once", "billing twice in a row stays billed once"])
        XCTAssertEqual(scenario.tests.map(\.repeatCount), [1, 3])
        XCTAssertEqual(scenario.tests.map(\.line), [17, 29])
        XCTAssertEqual(scenario.tests.last?.checks, ["billing.noDoubleBilling"])
        let test = try XCTUnwrap(scenario.tests.first)
        XCTAssertEqual(test.path.description, "tests[0]")
        XCTAssertEqual(test.steps.count, 4)
        XCTAssertEqual(test.steps.map(\.path.description), ["tests[0].steps[0]", "tests[0].steps[1]", "tests[0].steps[2]", "tests[0].steps[3]"])
        guard case .operation(let find) = test.steps[0].kind else { return XCTFail("steps[0] is \(test.steps[0].kind)") }
        XCTAssertEqual(find.action, .find)
        XCTAssertEqual(find.collection, "orders")
        // Key order as written: a sort spec means what its order says.
        XCTAssertEqual(find.arguments.keys, ["filter", "sort"])
        XCTAssertEqual(find.arguments["sort"]?.documentValue?.keys, ["status", "_id"])
        XCTAssertEqual(find.arguments["filter"]?.documentValue?.keys, ["status", "delivery_confirmed", "billed"])
        XCTAssertEqual(find.expect, [["_id": "o-1"]])
        if case .whole("billable")? = find.save {} else { XCTFail("save is \(String(describing: find.save))") }
        guard case .run(let procedure, let arguments, nil) = test.steps[1].kind else { return XCTFail("steps[1] is \(test.steps[1].kind)") }
        XCTAssertEqual(procedure, "billing.run")
        XCTAssertEqual(arguments, ["month": ["$$var": "month"]])
        XCTAssertEqual(test.expectCollections.map { $0.collection }, ["orders"])
        XCTAssertEqual(test.expectCollections.first?.documents.first?.documentValue?.keys, ["_id", "billed", "billed_month", "billed_at"])
    }

    func testALiveFileThatOnlyReadsLoads() throws {
        let text = #"""
            {"preflight": 1, "name": "billing backlog", "mode": "live", "database": "earlybird",
             "vars": {"limit": 10000},
             "checks": {"noDoubleBilling": {"aggregate": "billing_ledger",
                                            "pipeline": [{"$group": {"_id": "$order_id", "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}}],
                                            "expect": []}},
             "tests": [{"name": "backlog is small", "steps": [
               {"count": "orders", "filter": {"status": "delivered", "delivery_confirmed": true, "billed": {"$ne": true}},
                "save": "backlog"},
               {"expectVar": "backlog", "expect": {"$$lt": {"$$var": "limit"}}},
               {"find": "orders", "filter": {"billed": true}, "sort": {"billed_at": -1}, "limit": 5, "projection": {"_id": 1}},
               {"aggregate": "orders", "pipeline": [{"$match": {"billed": true}}, {"$count": "n"}]},
               {"distinct": "orders", "key": "billed_month"},
               {"listIndexes": "orders", "expect": {"$$unordered": [{"name": "_id_"}]}},
               {"command": {"ping": 1}, "expect": {"ok": 1}},
               {"command": {"serverStatus": 1}, "on": "admin"},
               {"command": {"aggregate": "orders", "pipeline": [{"$count": "n"}], "cursor": {}}},
               {"check": "noDoubleBilling"}
             ], "checks": ["noDoubleBilling"]}]}
            """#
        let scenario = try load(text)
        XCTAssertEqual(scenario.mode, .live)
        XCTAssertEqual(scenario.database, "earlybird")
        XCTAssertTrue(scenario.fixtures.isEmpty)
        XCTAssertEqual(scenario.tests.first?.steps.count, 10)
        XCTAssertEqual(scenario.tests.first?.line, 6)
        XCTAssertEqual(scenario.tests.first?.checks, ["noDoubleBilling"])
        guard case .operation(let admin)? = scenario.tests.first?.steps[7].kind else { return XCTFail("steps[7]") }
        XCTAssertEqual(admin.database, "admin")
        XCTAssertEqual(admin.commandName, "serverStatus")
    }

    /// `transaction` and `repeat` share the scope they stand in; `--var` defines a variable;
    /// a `parallel` branch and a `forEach` body see the variables around them.
    func testScopesThatShareLoad() throws {
        let text = #"""
            {"preflight": 1, "name": "s", "vars": {"orders": [{"_id": 1}]},
             "tests": [{"name": "t", "steps": [
               {"transaction": [{"insertOne": "ledger", "document": {"_id": 1}, "save": "inTransaction"}]},
               {"repeat": 2, "steps": [{"find": "ledger", "save": {"inRepeat": "0._id"}}]},
               {"expectVar": "inTransaction", "expect": {"insertedId": 1}},
               {"find": "ledger", "filter": {"n": {"$$var": "inRepeat"}, "m": {"$$var": "month"}}},
               {"parallel": [
                 [{"find": "orders", "filter": {"_id": {"$$var": "inTransaction.insertedId"}}, "save": "mine"},
                  {"expectVar": "mine", "expect": []}],
                 [{"find": "orders", "filter": {"_id": {"$$var": "orders.0._id"}}, "save": "mine"}]
               ]},
               {"forEach": "orders", "as": "order", "steps": [
                 {"find": "orders", "filter": {"_id": {"$$var": "order._id"}, "month": {"$$var": "month"}}, "save": "found"},
                 {"expectVar": "found.0._id", "expect": {"$$var": "order._id"}}
               ]}
             ],
             "expectCollections": {"ledger": [{"_id": {"$$var": "inTransaction.insertedId"}}]}}]}
            """#
        let scenario = try load(text, overrides: ["month": "2026-02"])
        XCTAssertEqual(scenario.vars, ["orders": [["_id": 1]], "month": "2026-02"])
        XCTAssertEqual(scenario.tests.first?.steps.count, 6)
        guard case .repeatSteps(let count, let inner)? = scenario.tests.first?.steps[1].kind else { return XCTFail("steps[1]") }
        XCTAssertEqual(count, 2)
        XCTAssertEqual(inner.count, 1)
    }

    /// A procedure may use what the file's steps save, wherever they save it: a `save`
    /// under a name, a `save` of several names, and a `forEach`'s element, each saved
    /// more than once.
    func testAProcedureSeesWhatTheStepsOfTheFileSave() throws {
        let text = #"""
            {"preflight": 1, "name": "s", "vars": {"orders": [{"_id": 1}]},
             "procedures": {"use": {"steps": [
               {"find": "orders", "filter": {"a": {"$$var": "claimed"}, "b": {"$$var": "firstId"}, "c": {"$$var": "order"}}}
             ]}},
             "tests": [{"name": "t", "steps": [
               {"find": "orders", "save": "claimed"},
               {"find": "orders", "save": "claimed"},
               {"find": "orders", "save": {"firstId": "0._id"}},
               {"forEach": "orders", "as": "order", "steps": [{"run": "use"}]},
               {"run": "use"}
             ]}, {"name": "u", "steps": [
               {"forEach": "orders", "as": "order", "steps": [{"find": "orders", "save": "claimed"}]},
               {"run": "use"}
             ]}]}
            """#
        let scenario = try load(text)
        XCTAssertEqual(scenario.tests.map(\.steps.count), [5, 2])
        // A check too, in a file with no procedure.
        let checked = try load(#"""
            {"preflight": 1, "name": "s",
             "checks": {"sameAsClaimed": {"find": "orders", "filter": {"_id": {"$$var": "claimed._id"}}, "expect": []}},
             "tests": [{"name": "t", "steps": [{"findOneAndDelete": "orders", "filter": {}, "save": "claimed"}],
                        "checks": ["sameAsClaimed"]}]}
            """#)
        XCTAssertEqual(checked.checks.count, 1)
    }

    /// An `as` names a variable only on `forEach`: on an operation that passes other keys
    /// through (`createIndex`), or in data shaped like a step of any kind, it names
    /// nothing, and a procedure that used it would fail at run time instead of here.
    func testAnAsOnAnOperationNamesNoVariable() {
        // A procedure using `x`, run after a step that writes `"as": "x"`.
        func broken(_ name: String, step: String) -> Broken {
            Broken(
                name: name,
                text: #"""
                    {"preflight": 1, "name": "s",
                     "procedures": {"p": {"steps": [{"find": "c", "filter": {"a": {"$$var": "x"}}}]}},
                     "tests": [{"name": "t", "steps": [\#(step), {"run": "p"}]}]}
                    """#,
                errors: [#"scenario.json:2:64: procedures.p.steps[0].filter.a.$$var: unknown variable `x` (no variables are defined here)"#])
        }
        assertCorpus([
            broken("as on createIndex", step: #"{"createIndex": "c", "key": {"a": 1}, "as": "x"}"#),
            broken("as in data shaped like a step", step: #"{"expectVar": "preflight", "expect": {"find": "c", "as": "x"}}"#),
            broken("as in data shaped like a control step", step: #"{"expectVar": "preflight", "expect": {"repeat": 1, "as": "x"}}"#),
        ])
    }

    /// Without the `--var`, the same use of `month` is an unknown variable.
    func testAVariableOverrideIsWhatDefinesTheVariable() {
        let text = #"""
            {"preflight": 1, "name": "s", "vars": {"months": ["2026-01"]},
             "tests": [{"name": "t", "steps": [
               {"find": "orders", "filter": {"billed_month": {"$$var": "month"}}}
             ]}]}
            """#
        assertCorpus([
            Broken(
                name: "no override", text: text,
                errors: [#"scenario.json:3:51: tests[0].steps[0].filter.billed_month.$$var: unknown variable `month`; did you mean `months`?"#]),
        ])
        XCTAssertNoThrow(try load(text, overrides: ["month": "2026-01"]))
        // An override replaces the file's value of the same name.
        XCTAssertEqual(try load(text, overrides: ["months": "2026-03", "month": 1]).vars, ["months": "2026-03", "month": 1])
    }

    /// A folder: the scenario loads, the library is recognised as one, fixture arrays are
    /// set aside, and nothing is an error.
    func testACatalogOfAFolderTellsTheFilesApart() throws {
        let written = try write(
            Self.designExample,
            files: [
                "lib/billing.json": Self.billingLibrary, "fixtures/customers_v2.ndjson": Self.customersNDJSON,
                "fixtures/orders.json": #"[{"_id": "o-1"}]"#,
            ],
            main: "scenarios/billing.json")
        let catalog = ScenarioCatalog.load([written.folder], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        XCTAssertEqual(catalog.scenarios.map(\.name), ["Billing query finds delivered, non-billed orders"])
        XCTAssertEqual(catalog.libraries, [written.folder + "/lib/billing.json"])
        XCTAssertEqual(catalog.otherFiles.map { $0.file }, [written.folder + "/fixtures/orders.json"])
        XCTAssertEqual(catalog.otherFiles.map { $0.kind }, ["fixture data"])
    }

    /// A scenario with a byte order mark and CRLF line endings is valid, and its errors
    /// are still located by the line and column an editor shows.
    func testByteOrderMarkAndCRLFFiles() throws {
        let body = "{\"preflight\": 1, \"name\": \"s\",\r\n \"tests\": [{\"name\": \"t\", \"steps\": [{\"find\": \"orders\"}]}]}\r\n"
        XCTAssertNoThrow(try load("\u{FEFF}" + body))
        let broken = "\u{FEFF}{\"preflight\": 1, \"name\": \"s\",\r\n \"tests\": [{\"name\": \"t\", \"steps\": [{\"find\": \"orders\", \"limit\": -1}]}]}\r\n"
        guard let (folder, errors) = failure(broken, name: "BOM + CRLF") else { return }
        XCTAssertEqual(relative(errors, in: folder), ["scenario.json:2:55: tests[0].steps[0].limit: expected a whole number ≥ 0, got -1 (int)"])
    }
}

extension ScenarioLoaderTests {
    /// A procedure that runs itself, directly or through another, would never end.
    func testProceduresThatRunThemselvesAreRejected() {
        assertCorpus([
            Broken(
                name: "a procedure that runs itself",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "procedures": {"loop": {"steps": [{"run": "loop"}]}},
                     "tests": [{"name": "t", "steps": [{"run": "loop"}]}]}
                    """#,
                errors: [#"scenario.json:2:17: procedures.loop: the procedure `loop` runs itself (loop → loop), so it would never end"#]),
            Broken(
                name: "two procedures that run each other",
                text: #"""
                    {"preflight": 1, "name": "s",
                     "procedures": {"a": {"steps": [{"run": "b"}]}, "b": {"steps": [{"run": "a"}]}},
                     "tests": [{"name": "t", "steps": [{"run": "a"}]}]}
                    """#,
                errors: [
                    #"scenario.json:2:17: procedures.a: the procedure `a` runs itself (a → b → a), so it would never end"#,
                    #"scenario.json:2:49: procedures.b: the procedure `b` runs itself (b → a → b), so it would never end"#,
                ]),
        ])
    }

    /// Every branch holds a connection of its own; more than the pool can give would hang.
    func testTooManyParallelBranchesAreRejected() {
        let branches = Array(repeating: #"[{"find": "orders"}]"#, count: 65).joined(separator: ", ")
        assertCorpus([
            Broken(
                name: "65 branches",
                text: #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"parallel": ["# + branches + "]}]}]}",
                errors: [#"scenario.json:1:66: tests[0].steps[0].parallel: at most 64 branches run at once, got 65"#])
        ])
    }

    /// A block of steps that is empty does nothing, and a test that runs nothing and
    /// expects nothing always passes: both are mistakes a gate must not accept.
    func testStepsThatAssertNothingAreRejected() {
        assertCorpus([
            Broken(
                name: "empty transaction",
                text: #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"transaction": []}]}]}"#,
                errors: [#"scenario.json:1:66: tests[0].steps[0].transaction: expected at least one step: an empty block does nothing and asserts nothing"#]),
            Broken(
                name: "empty parallel branch",
                text: #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"parallel": [[{"find": "a"}], []]}]}]}"#,
                errors: [#"scenario.json:1:96: tests[0].steps[0].parallel[1]: expected at least one step: an empty block does nothing and asserts nothing"#]),
            Broken(
                name: "a test with nothing in it",
                text: #"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": []}]}"#,
                errors: [#"scenario.json:1:55: tests[0].steps: a test with no steps needs `expectCollections` or `checks`; otherwise it asserts nothing and always passes"#]),
        ])
    }
}
