import Mongo
import XCTest

@testable import PreflightCore

/// Load-time checks of `$$` operators: each misuse found, at the key's path, with a hint.
final class ExpectationSyntaxTests: XCTestCase {
    private let substitution: Set<String> = ["$$var", "$$now", "$$newObjectId"]
    private let base = JSONPath.root.key("tests").index(0).key("steps").index(1).key("expect")

    private func problems(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do {
            let expected = try ExtendedJSON.parseDocument(#"{"v": "# + json + "}")["v"] ?? .null
            return ExpectationSyntax.problems(in: expected, path: base, substitutionOperators: substitution)
                .map { "\($0.path): \($0.message)" }
        } catch {
            XCTFail("cannot parse \(json): \(error)", file: file, line: line)
            return []
        }
    }

    func testValidExpectationsHaveNoProblems() {
        let json = #"""
            [{"_id": "o-1", "billed_at": {"$$type": ["date", "null"]}, "total": {"$$gte": {"$numberDecimal": "0"}},
              "month": {"$$regex": "^[0-9]{4}-[0-9]{2}$"}, "m2": {"$$regex": {"$regex": "^a", "$options": "i"}},
              "tags": {"$$unordered": ["a", {"$$type": "string"}]}, "gone": {"$$exists": false},
              "opt": {"$$unsetOrMatches": {"$$anyOf": [1, {"$$type": "number"}]}}, "n": {"$$ne": {"$$var": "x"}},
              "reply": {"$$matchAsRoot": {"ok": 1}}, "at": {"$$lt": {"$$now": {}}}, "id": {"$$newObjectId": {}},
              "plain": {"$set": {"a": 1}}}]
            """#
        XCTAssertEqual(problems(json), [])
    }

    func testMatchOperatorsAreTheDocumentedOnes() {
        XCTAssertEqual(
            Set(ExpectationSyntax.matchOperators),
            ["$$exists", "$$type", "$$unsetOrMatches", "$$lt", "$$lte", "$$gt", "$$gte", "$$ne", "$$regex", "$$anyOf",
             "$$matchAsRoot", "$$unordered"])
    }

    func testUnknownOperatorSuggestsTheNearestKnownOne() {
        XCTAssertEqual(
            problems(#"{"billed_at": {"$$tyep": "date"}}"#),
            ["tests[0].steps[1].expect.billed_at.$$tyep: unknown operator `$$tyep`; did you mean `$$type`?"])
        XCTAssertEqual(
            problems(#"{"a": {"$$unset": 1}, "b": {"$$varr": "x"}, "c": {"$$Exists": true}}"#),
            [
                "tests[0].steps[1].expect.a.$$unset: unknown operator `$$unset`; did you mean `$$unsetOrMatches`?",
                "tests[0].steps[1].expect.b.$$varr: unknown operator `$$varr`; did you mean `$$var`?",
                "tests[0].steps[1].expect.c.$$Exists: unknown operator `$$Exists`; did you mean `$$exists`?",
            ])
    }

    func testUnknownOperatorWithNothingCloseListsTheKnownOnes() {
        let found = problems(#"{"$$qqqqqqqqqq": 1}"#)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.hasPrefix("tests[0].steps[1].expect.$$qqqqqqqqqq: unknown operator `$$qqqqqqqqqq`; known operators are `$$exists`, `$$type`") ?? false, "\(found)")
    }

    func testSubstitutionOperatorsAreAcceptedAndNotDescendedInto() {
        XCTAssertEqual(problems(#"{"a": {"$$var": {"$$bogus": 1}}}"#), [])
        let withoutSubstitution = ExpectationSyntax.problems(
            in: .document(["a": .document(["$$var": "x"])]), path: .root, substitutionOperators: [])
        XCTAssertEqual(withoutSubstitution.map(\.path.description), ["a.$$var"])
    }

    func testOperatorMustBeTheOnlyKey() {
        XCTAssertEqual(
            problems(#"{"a": {"$$exists": true, "b": 1}}"#),
            ["tests[0].steps[1].expect.a.$$exists: operator `$$exists` must be the only key of its document"])
    }

    func testExistsTakesABool() {
        XCTAssertEqual(problems(#"{"a": {"$$exists": "yes"}}"#), [#"tests[0].steps[1].expect.a.$$exists: `$$exists` takes true or false, got "yes""#])
        XCTAssertEqual(problems(#"{"a": {"$$exists": 1}}"#), ["tests[0].steps[1].expect.a.$$exists: `$$exists` takes true or false, got 1"])
    }

    func testTypeTakesKnownAliases() {
        XCTAssertEqual(
            problems(#"{"a": {"$$type": "dat"}}"#),
            ["tests[0].steps[1].expect.a.$$type: unknown type `dat` in `$$type`; did you mean `date`?"])
        XCTAssertEqual(
            problems(#"{"a": {"$$type": ["date", "integer", 5]}}"#),
            [
                "tests[0].steps[1].expect.a.$$type[1]: unknown type `integer` in `$$type`; did you mean `int`?",
                "tests[0].steps[1].expect.a.$$type[2]: `$$type` takes type names, got 5",
            ])
        XCTAssertEqual(
            problems(#"{"a": {"$$type": []}}"#),
            ["tests[0].steps[1].expect.a.$$type: `$$type` takes a type name or a non-empty list of them, got []"])
        XCTAssertEqual(problems(#"{"a": {"$$type": "qqqqqqqqqqqq"}}"#), ["tests[0].steps[1].expect.a.$$type: unknown type `qqqqqqqqqqqq` in `$$type`"])
    }

    func testRegexMustCompile() {
        XCTAssertEqual(
            problems(#"{"a": {"$$regex": "([0-9]"}}"#),
            [#"tests[0].steps[1].expect.a.$$regex: `$$regex` pattern "([0-9]" does not compile as a regular expression"#])
        XCTAssertEqual(problems(#"{"a": {"$$regex": {"$regex": "^x", "$options": "ims"}}}"#), [])
        XCTAssertEqual(problems(#"{"a": {"$$regex": 5}}"#), ["tests[0].steps[1].expect.a.$$regex: `$$regex` takes a pattern string, got 5"])
    }

    func testArrayAndDocumentArguments() {
        XCTAssertEqual(
            problems(#"{"a": {"$$anyOf": 1}, "b": {"$$unordered": {"x": 1}}, "c": {"$$matchAsRoot": [1]}, "d": {"$$anyOf": []}}"#),
            [
                "tests[0].steps[1].expect.a.$$anyOf: `$$anyOf` takes an array, got 1",
                #"tests[0].steps[1].expect.b.$$unordered: `$$unordered` takes an array, got {"x":1}"#,
                "tests[0].steps[1].expect.c.$$matchAsRoot: `$$matchAsRoot` takes a document, got [1]",
                "tests[0].steps[1].expect.d.$$anyOf: `$$anyOf` needs at least one value: an empty list matches nothing",
            ])
        XCTAssertEqual(problems(#"{"$$unordered": []}"#), [])
    }

    func testProblemsInsideOperatorArgumentsAreFoundWithTheirPaths() {
        XCTAssertEqual(
            problems(#"{"a": {"$$anyOf": [1, {"$$tpye": "int"}]}, "b": {"$$unordered": [{"x": {"$$exist": true}}]}, "c": {"$$lt": {"$$ltt": 1}}}"#),
            [
                "tests[0].steps[1].expect.a.$$anyOf[1].$$tpye: unknown operator `$$tpye`; did you mean `$$type`?",
                "tests[0].steps[1].expect.b.$$unordered[0].x.$$exist: unknown operator `$$exist`; did you mean `$$exists`?",
                "tests[0].steps[1].expect.c.$$lt.$$ltt: unknown operator `$$ltt`; did you mean `$$lt`?",
            ])
    }

    func testComparisonOperatorsTakeAnyValue() {
        XCTAssertEqual(problems(#"[{"$$lt": "m"}, {"$$gte": null}, {"$$ne": [1, 2]}, {"$$gt": {"$date": "2026-01-01T00:00:00Z"}}]"#), [])
    }
}

/// "Did you mean …?" hints: close names are suggested, far ones are not.
final class NearestNameTests: XCTestCase {
    func testTranspositionsAndTyposFindTheIntendedName() {
        XCTAssertEqual(NearestName.suggestion(for: "$$tyep", among: ExpectationSyntax.matchOperators), "$$type")
        XCTAssertEqual(NearestName.suggestion(for: "expectErorr", among: ["expect", "expectError", "save"]), "expectError")
        XCTAssertEqual(NearestName.suggestion(for: "fiter", among: ["filter", "sort", "projection"]), "filter")
        XCTAssertEqual(NearestName.suggestion(for: "indexs", among: ["documents", "indexes", "options"]), "indexes")
    }

    func testCaseIsIgnored() {
        XCTAssertEqual(NearestName.suggestion(for: "expecterror", among: ["expect", "expectError"]), "expectError")
        XCTAssertEqual(NearestName.suggestion(for: "INSERTONE", among: ["insertMany", "insertOne"]), "insertOne")
    }

    func testPrefixesAreAcceptedBeyondTheDistanceLimit() {
        XCTAssertEqual(NearestName.suggestion(for: "billing", among: ["orders.count", "billing.run"]), "billing.run")
        XCTAssertEqual(NearestName.suggestion(for: "expectCollectionsInOrder", among: ["expect", "expectCollections"]), "expectCollections")
        // Of two prefixes, the nearer: `findOne` (as other drivers name it) is `find`.
        XCTAssertEqual(NearestName.suggestion(for: "findOne", among: StepParser.actionKeys), "find")
        XCTAssertEqual(NearestName.suggestion(for: "findOneAndUpd", among: StepParser.actionKeys), "findOneAndUpdate")
    }

    func testNothingCloseGivesNil() {
        XCTAssertNil(NearestName.suggestion(for: "zzzzzz", among: ["filter", "sort"]))
        XCTAssertNil(NearestName.suggestion(for: "", among: ["filter"]))
        XCTAssertNil(NearestName.suggestion(for: "filter", among: []))
    }

    func testLongerNamesTolerateMoreEdits() {
        // 15 characters allow 5 edits; 6 allow only 2.
        XCTAssertEqual(NearestName.suggestion(for: "dlivery_cnfrmed", among: ["billed", "delivery_confirmed"]), "delivery_confirmed")
        XCTAssertEqual(NearestName.suggestion(for: "bilxxd", among: ["billed"]), "billed")
        XCTAssertNil(NearestName.suggestion(for: "bxxxed", among: ["billed"]))
    }

    func testTheClosestWinsAndTiesGoToTheFirstCandidate() {
        XCTAssertEqual(NearestName.suggestion(for: "$$lte", among: ["$$lt", "$$lte"]), "$$lte")
        XCTAssertEqual(NearestName.suggestion(for: "sortt", among: ["sort", "sorts"]), "sort")
        XCTAssertEqual(NearestName.suggestion(for: "sortx", among: ["sorts", "sort"]), "sorts")
    }

    func testDistanceCountsATranspositionAsOneEdit() {
        XCTAssertEqual(NearestName.distance(Array("tyep"), Array("type")), 1)
        XCTAssertEqual(NearestName.distance(Array("kitten"), Array("sitting")), 3)
        XCTAssertEqual(NearestName.distance(Array(""), Array("abc")), 3)
        XCTAssertEqual(NearestName.distance(Array("abc"), Array("abc")), 0)
        XCTAssertEqual(NearestName.distance(Array("ca"), Array("abc")), 3)
    }
}
