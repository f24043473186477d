import Mongo
import XCTest

@testable import PreflightCore

/// the README, “Scenario files (matching)”, rule by rule and operator by operator: what matches, and for what does not,
/// the exact path and message a user will read.
final class MatcherTests: XCTestCase {
    private let matcher = Matcher()

    /// Reads one Extended JSON value, as a scenario file would hold it.
    private func bson(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> BSON {
        do {
            guard let value = try ExtendedJSON.parseDocument(#"{"v": "# + json + "}")["v"] else {
                XCTFail("no value in \(json)", file: file, line: line)
                return .null
            }
            return value
        } catch {
            XCTFail("cannot parse \(json): \(error)", file: file, line: line)
            return .null
        }
    }

    private func assertMatches(
        _ expected: String, _ actual: String?, root: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) {
        let mismatch = matcher.match(bson(expected, file: file, line: line), actual.map { bson($0, file: file, line: line) }, root: root, path: "")
        XCTAssertNil(mismatch, "\(expected) should match \(actual ?? "(absent)")", file: file, line: line)
    }

    private func assertMismatch(
        _ expected: String, _ actual: String?, root: Bool = false, path: String = "", at wantedPath: String,
        _ message: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let mismatch = matcher.match(bson(expected, file: file, line: line), actual.map { bson($0, file: file, line: line) }, root: root, path: path)
        XCTAssertEqual(mismatch, Mismatch(path: wantedPath, message: message), file: file, line: line)
    }

    // MARK: Documents

    func testRootDocumentMayHaveExtraKeys() {
        assertMatches(#"{"_id": "o-1"}"#, #"{"_id": "o-1", "status": "delivered"}"#, root: true)
    }

    func testNestedDocumentMayNotHaveExtraKeys() {
        assertMismatch(
            #"{"address": {"city": "Oslo"}}"#, #"{"address": {"city": "Oslo", "zip": "0150"}, "extra": 1}"#, root: true,
            at: "address", #"unexpected field "zip" with value "0150" (a nested document matches exactly; wrap it in {"$$matchAsRoot": …} to allow other fields)"#)
    }

    func testNonRootDocumentAtTheTopMayNotHaveExtraKeys() {
        assertMismatch(#"{"a": 1}"#, #"{"a": 1, "b": {"c": [1]}}"#, root: false, at: "", #"unexpected field "b" with value {"c":[1]}"#)
    }

    func testKeyOrderIsIgnored() {
        assertMatches(#"{"a": 1, "b": {"x": 1, "y": 2}}"#, #"{"b": {"y": 2, "x": 1}, "a": 1}"#)
    }

    /// An expected document that names an operator is an operator, even where the actual
    /// document holds that very key (MongoDB 5.0 allows `$`-prefixed field names): the
    /// quick comparison of plain documents must not take it for a field.
    func testAnOperatorIsNeverReadAsAFieldOfTheSameName() {
        assertMismatch(
            #"[{"$$type": "int"}]"#, #"[{"$$type": "int"}]"#, root: true, path: "result", at: "result[0]",
            #"expected type "int", got "object" ({"$$type":"int"})"#)
        assertMismatch(
            #"{"a": {"$$type": "int"}}"#, #"{"a": {"$$type": "int"}}"#, root: true, at: "a",
            #"expected type "int", got "object" ({"$$type":"int"})"#)
    }

    /// A document from a variable can hold a key twice (libbson keeps both): a nested one
    /// that does still may have no other key.
    func testANestedDocumentWithARepeatedKeyStillRefusesOtherKeys() {
        let twice = BSON.document(BSONDocument([("a", .int32(1)), ("a", .int32(1))]))
        let mismatch = matcher.match(
            .array([.document(["k": twice])]), .array([.document(["k": .document(["a": .int32(1), "b": .int32(2)])])]),
            root: true, path: "result")
        XCTAssertEqual(mismatch?.path, "result[0].k")
        XCTAssertEqual(mismatch?.message, #"unexpected field "b" with value 2 (a nested document matches exactly; wrap it in {"$$matchAsRoot": …} to allow other fields)"#)
    }

    func testMissingFieldIsReportedWithItsPath() {
        assertMismatch(#"{"a": {"b": "x"}}"#, #"{"a": {}}"#, root: true, at: "a.b", #"expected "x", but the field is missing"#)
    }

    func testExpectCollectionsShapedMismatchNamesCollectionIndexAndField() {
        let expected = bson(#"[{"_id": "o-1", "billed": true, "billed_month": "2026-01"}]"#)
        let actual = bson(#"[{"_id": "o-1", "billed": true, "billed_month": null, "total": 100}]"#)
        let mismatch = matcher.match(expected, actual, root: true, path: "orders")
        XCTAssertEqual(mismatch, Mismatch(path: "orders[0].billed_month", message: #"expected "2026-01", got null"#))
        XCTAssertEqual(mismatch?.description, #"orders[0].billed_month: expected "2026-01", got null"#)
    }

    func testKeysThatAreNotIdentifiersAreQuotedInThePath() {
        assertMismatch(#"{"a.b": 1}"#, #"{"a.b": 2}"#, path: "doc", at: #"doc["a.b"]"#, "expected 1, got 2")
        assertMismatch(#"{"a.b": 1}"#, #"{"a.b": 2}"#, at: #"["a.b"]"#, "expected 1, got 2")
        assertMismatch(#"{"x": {"my key": 1}}"#, #"{"x": {"my key": 2}}"#, at: #"x["my key"]"#, "expected 1, got 2")
    }

    func testDocumentExpectedButSomethingElseFound() {
        assertMismatch(#"{"a": {"b": 1}}"#, #"{"a": "text"}"#, at: "a", #"expected {"b":1}, got "text""#)
    }

    // MARK: Arrays

    func testArraysMatchElementByElementInOrder() {
        assertMatches("[1, \"a\", {\"b\": 2}]", "[1, \"a\", {\"b\": 2}]")
        assertMismatch("[1, 2]", "[2, 1]", path: "v", at: "v[0]", "expected 1, got 2")
    }

    func testArrayLengthsMustAgreeAndBothArraysAreShown() {
        assertMismatch("[1, 2]", "[1, 2, 3]", path: "v", at: "v", "expected 2 elements [1,2], got 3 elements [1,2,3]")
        assertMismatch("[1]", "[]", path: "v", at: "v", "expected 1 element [1], got 0 elements []")
    }

    func testDocumentsOfATopLevelResultArrayAreRootLevel() {
        assertMatches(#"[{"_id": 1}]"#, #"[{"_id": 1, "status": "new"}]"#, root: true)
        assertMismatch(#"[{"_id": 1}]"#, #"[{"_id": 1, "status": "new"}]"#, root: false, at: "[0]", #"unexpected field "status" with value "new""#)
    }

    func testDocumentsOfAnArrayInsideADocumentAreNested() {
        assertMismatch(
            #"{"items": [{"sku": "a"}]}"#, #"{"items": [{"sku": "a", "qty": 2}]}"#, root: true, at: "items[0]",
            #"unexpected field "qty" with value 2"#)
    }

    // MARK: Numbers

    func testInt32Int64AndDoubleAreEqualWhenNumericallyEqual() {
        for (expected, actual) in [
            ("1", #"{"$numberLong": "1"}"#), (#"{"$numberLong": "1"}"#, "1"), ("1", "1.0"), ("1.0", "1"),
            (#"{"$numberLong": "-7"}"#, "-7.0"), ("0", "-0.0"), ("2.5", "2.5"),
        ] {
            assertMatches(expected, actual)
        }
        assertMismatch("1", "1.5", at: "", "expected 1, got 1.5")
        assertMismatch("1.5", #"{"$numberLong": "1"}"#, at: "", "expected 1.5, got 1")
    }

    func testIntegersBeyondTwoToThe53AreComparedExactly() {
        // 2^53 + 1 rounds to 2^53 as a double; an exact comparison must still tell them apart.
        assertMismatch(
            #"{"$numberLong": "9007199254740993"}"#, "9007199254740992.0", at: "",
            "expected 9007199254740993, got 9007199254740992.0")
        assertMismatch("9007199254740992.0", #"{"$numberLong": "9007199254740993"}"#, at: "",
            "expected 9007199254740992.0, got 9007199254740993")
        assertMatches(#"{"$numberLong": "9007199254740992"}"#, "9007199254740992.0")
        // Int64.max converts to 2^63, which no Int64 equals.
        assertMismatch(
            #"{"$numberLong": "9223372036854775807"}"#, "9.223372036854775807e18", at: "",
            "expected 9223372036854775807, got 9.223372036854776e+18")
        assertMatches(#"{"$numberLong": "-9223372036854775808"}"#, "-9.223372036854775808e18")
    }

    func testDecimalNeverEqualsADouble() {
        assertMismatch(
            #"{"total": {"$numberDecimal": "100.5"}}"#, #"{"total": 100.5}"#, at: "total",
            #"expected {"$numberDecimal":"100.5"}, got 100.5 (a decimal only equals or orders against a decimal or an integer, never a double)"#)
        assertMismatch(
            #"{"total": 100}"#, #"{"total": {"$numberDecimal": "100"}}"#, at: "total",
            #"expected 100, got {"$numberDecimal":"100"} (a decimal only equals or orders against a decimal or an integer, never a double)"#)
    }

    func testDecimalsAreEqualByValue() {
        assertMatches(#"{"$numberDecimal": "100.50"}"#, #"{"$numberDecimal": "100.5"}"#)
        assertMismatch(#"{"$numberDecimal": "100.50"}"#, #"{"$numberDecimal": "100.51"}"#, at: "",
            #"expected {"$numberDecimal":"100.50"}, got {"$numberDecimal":"100.51"}"#)
    }

    func testNaNEqualsNaNOnly() {
        assertMatches(#"{"$numberDouble": "NaN"}"#, #"{"$numberDouble": "NaN"}"#)
        assertMismatch(#"{"$numberDouble": "NaN"}"#, "1", at: "", #"expected {"$numberDouble":"NaN"}, got 1"#)
    }

    // MARK: Other types

    func testOtherTypesNeedTheSameTypeAndValue() {
        assertMatches(#"{"$oid": "65b5f0a0c0ffee0000000001"}"#, #"{"$oid": "65b5f0a0c0ffee0000000001"}"#)
        assertMatches(#"{"$date": "2026-01-27T20:00:00Z"}"#, #"{"$date": "2026-01-27T20:00:00Z"}"#)
        assertMismatch(
            #"{"$date": "2026-01-27T20:00:00Z"}"#, #"{"$date": "2026-01-27T20:00:01Z"}"#, at: "",
            #"expected {"$date":"2026-01-27T20:00:00Z"}, got {"$date":"2026-01-27T20:00:01Z"}"#)
        assertMismatch(#""1""#, "1", at: "", #"expected "1", got 1"#)
        assertMismatch("true", "1", at: "", "expected true, got 1")
        assertMismatch("null", "false", at: "", "expected null, got false")
    }

    func testLongValuesAreTruncatedAndMessagesStayOnOneLine() {
        let long = String(repeating: "x", count: 500)
        let mismatch = matcher.match(.string("a\nb"), .string(long), root: false, path: "f")
        XCTAssertEqual(mismatch?.message, #"expected "a\nb", got ""# + String(repeating: "x", count: 199) + "…")
        XCTAssertFalse(mismatch?.message.contains("\n") ?? true)
    }

    // MARK: $$exists and $$unsetOrMatches

    func testExists() {
        assertMatches(#"{"a": {"$$exists": true}}"#, #"{"a": null}"#)
        assertMatches(#"{"a": {"$$exists": false}}"#, #"{}"#)
        assertMismatch(#"{"a": {"$$exists": true}}"#, #"{}"#, at: "a", "expected the field to exist, but it is missing")
        assertMismatch(#"{"a": {"$$exists": false}}"#, #"{"a": 1}"#, at: "a", "expected the field to be absent, got 1")
    }

    func testUnsetOrMatches() {
        assertMatches(#"{"a": {"$$unsetOrMatches": 1}}"#, #"{}"#)
        assertMatches(#"{"a": {"$$unsetOrMatches": 1}}"#, #"{"a": {"$numberLong": "1"}}"#)
        assertMismatch(#"{"a": {"$$unsetOrMatches": {"b": 1}}}"#, #"{"a": {"b": 2}}"#, at: "a.b", "expected 1, got 2")
    }

    // MARK: $$type

    func testTypeByAlias() {
        assertMatches(#"{"billed_at": {"$$type": "date"}}"#, #"{"billed_at": {"$date": "2026-01-27T20:00:00Z"}}"#)
        assertMismatch(
            #"{"billed_at": {"$$type": "date"}}"#, #"{"billed_at": "abc"}"#, path: "orders[0]", at: "orders[0].billed_at",
            #"expected type "date", got "string" ("abc")"#)
        assertMismatch(#"{"billed_at": {"$$type": "date"}}"#, "{}", at: "billed_at", #"expected type "date", but the field is missing"#)
        let aliases: [(String, String)] = [
            ("double", "1.5"), ("string", #""s""#), ("object", "{}"), ("array", "[]"), ("bool", "true"), ("null", "null"),
            ("int", "1"), ("long", #"{"$numberLong": "1"}"#), ("decimal", #"{"$numberDecimal": "1"}"#),
            ("objectId", #"{"$oid": "65b5f0a0c0ffee0000000001"}"#), ("regex", #"{"$regex": "x"}"#),
            ("timestamp", #"{"$timestamp": {"t": 1, "i": 2}}"#), ("binData", #"{"$binary": {"base64": "AA==", "subType": "00"}}"#),
            ("minKey", #"{"$minKey": 1}"#), ("maxKey", #"{"$maxKey": 1}"#),
        ]
        for (alias, value) in aliases {
            assertMatches(#"{"$$type": ""# + alias + #""}"#, value)
        }
    }

    func testTypeNumberAcceptsEveryNumericType() {
        for value in ["1", #"{"$numberLong": "1"}"#, "1.5", #"{"$numberDecimal": "1"}"#] {
            assertMatches(#"{"$$type": "number"}"#, value)
        }
        assertMismatch(#"{"$$type": "number"}"#, #""5""#, at: "", #"expected type "number", got "string" ("5")"#)
    }

    func testTypeList() {
        assertMatches(#"{"$$type": ["date", "null"]}"#, "null")
        assertMismatch(#"{"$$type": ["int", "long", "double"]}"#, #""x""#, at: "", #"expected type "int", "long" or "double", got "string" ("x")"#)
        assertMismatch(#"{"$$type": ["date", "null"]}"#, "1", at: "", #"expected type "date" or "null", got "int" (1)"#)
    }

    func testUnknownTypeAliasIsAMismatch() {
        assertMismatch(#"{"$$type": "dat"}"#, "1", at: "", #"unknown type "dat" in `$$type`"#)
    }

    // MARK: Comparisons

    func testOrderingAcrossNumericTypes() {
        assertMatches(#"{"$$lt": 5}"#, "4.5")
        assertMatches(#"{"$$lte": 5}"#, #"{"$numberLong": "5"}"#)
        assertMatches(#"{"$$gt": 5.5}"#, "6")
        assertMatches(#"{"$$gte": {"$numberLong": "9007199254740993"}}"#, #"{"$numberLong": "9007199254740993"}"#)
        assertMismatch(#"{"$$gt": {"$numberLong": "9007199254740993"}}"#, "9007199254740992.0", at: "",
            "expected a value greater than 9007199254740993, got 9007199254740992.0")
        assertMismatch(#"{"n": {"$$lt": 5}}"#, #"{"n": 5}"#, at: "n", "expected a value less than 5, got 5")
        assertMismatch(#"{"$$gte": 5}"#, "4.999", at: "", "expected a value greater than or equal to 5, got 4.999")
        assertMismatch(#"{"$$lte": 5}"#, #"{"$numberDouble": "NaN"}"#, at: "",
            #"expected a value less than or equal to 5, got {"$numberDouble":"NaN"}"#)
        assertMismatch(#"{"n": {"$$gt": 0}}"#, "{}", at: "n", "expected a value greater than 0, but the field is missing")
    }

    func testOrderingOfDecimals() {
        assertMatches(#"{"$$gt": {"$numberDecimal": "100.49"}}"#, #"{"$numberDecimal": "100.5"}"#)
        assertMatches(#"{"$$lte": {"$numberDecimal": "100.50"}}"#, #"{"$numberDecimal": "100.5"}"#)
        assertMatches(#"{"$$gt": 0}"#, #"{"$numberDecimal": "0.01"}"#)
        assertMismatch(#"{"$$gt": 0.5}"#, #"{"$numberDecimal": "1"}"#, at: "",
            #"expected a value greater than 0.5, got {"$numberDecimal":"1"} (a decimal only equals or orders against a decimal or an integer, never a double)"#)
    }

    func testOrderingOfDates() {
        assertMatches(#"{"$$gte": {"$date": "2026-01-01T00:00:00Z"}}"#, #"{"$date": "2026-01-27T20:00:00Z"}"#)
        assertMismatch(#"{"$$lt": {"$date": "2026-01-01T00:00:00Z"}}"#, #"{"$date": "2026-01-27T20:00:00Z"}"#, at: "",
            #"expected a value less than {"$date":"2026-01-01T00:00:00Z"}, got {"$date":"2026-01-27T20:00:00Z"}"#)
    }

    func testComparingANumberWithADateOrANonNumberIsAMismatch() {
        assertMismatch(#"{"$$lt": 5}"#, #"{"$date": "2026-01-27T20:00:00Z"}"#, at: "",
            #"expected a value less than 5, got {"$date":"2026-01-27T20:00:00Z"} (cannot compare type "date" with "int")"#)
        assertMismatch(#"{"$$gt": {"$date": "2026-01-27T20:00:00Z"}}"#, "5", at: "",
            #"expected a value greater than {"$date":"2026-01-27T20:00:00Z"}, got 5 (cannot compare type "int" with "date")"#)
        assertMismatch(#"{"$$lt": 5}"#, #""4""#, at: "", #"expected a value less than 5, got "4" (cannot compare type "string" with "int")"#)
        assertMismatch(#"{"$$lt": "m"}"#, #""a""#, at: "", #"`$$lt` compares numbers and dates, not "string" ("m")"#)
    }

    func testNotEqualUsesTheMatchingRules() {
        assertMatches(#"{"$$ne": 1}"#, "2")
        assertMatches(#"{"$$ne": "1"}"#, "1")
        assertMatches(#"{"$$ne": {"$numberDecimal": "1"}}"#, "1")
        assertMismatch(#"{"$$ne": 1}"#, "1.0", at: "", "expected a value other than 1, got 1.0")
        assertMismatch(#"{"a": {"$$ne": true}}"#, "{}", at: "a", "expected a value other than true, but the field is missing")
    }

    // MARK: $$regex

    func testRegexWithAStringPattern() {
        assertMatches(#"{"m": {"$$regex": "^[0-9]{4}-[0-9]{2}$"}}"#, #"{"m": "2026-01"}"#)
        assertMismatch(#"{"m": {"$$regex": "^[0-9]{4}-[0-9]{2}$"}}"#, #"{"m": "2026-1"}"#, at: "m",
            #"expected a string matching "^[0-9]{4}-[0-9]{2}$", got "2026-1""#)
        assertMismatch(#"{"$$regex": "1"}"#, "1", at: "", #"expected a string matching "1", got 1"#)
        assertMismatch(#"{"m": {"$$regex": "x"}}"#, "{}", at: "m", #"expected a string matching "x", but the field is missing"#)
    }

    func testRegexValueHonoursItsOptions() {
        assertMismatch(#"{"$$regex": {"$regex": "^abc$"}}"#, #""ABC""#, at: "", #"expected a string matching "^abc$", got "ABC""#)
        assertMatches(#"{"$$regex": {"$regex": "^abc$", "$options": "i"}}"#, #""ABC""#)
        assertMatches(#"{"$$regex": {"$regularExpression": {"pattern": "^b$", "options": "m"}}}"#, #""a\nb""#)
        assertMismatch(#"{"$$regex": {"$regex": "^b$"}}"#, #""a\nb""#, at: "", #"expected a string matching "^b$", got "a\nb""#)
        assertMatches(#"{"$$regex": {"$regex": "a.b", "$options": "s"}}"#, #""a\nb""#)
        assertMismatch(#"{"$$regex": {"$regex": "a.b", "$options": "m"}}"#, #""a\nb""#, at: "",
            #"expected a string matching "a.b" with options "m", got "a\nb""#)
        assertMatches(#"{"$$regex": {"$regex": "a b # spaces and comments are ignored", "$options": "x"}}"#, #""ab""#)
    }

    // MARK: $$anyOf, $$matchAsRoot

    func testAnyOf() {
        assertMatches(#"{"$$anyOf": ["pending", "delivered"]}"#, #""delivered""#)
        assertMatches(#"{"a": {"$$anyOf": [{"$$exists": false}, null]}}"#, "{}")
        assertMismatch(#"{"$$anyOf": ["pending", "delivered"]}"#, #""lost""#, at: "", #"expected any of ["pending","delivered"], got "lost""#)
        // One candidate: its own mismatch, at its own depth.
        assertMismatch(#"{"$$anyOf": [{"a": 1}]}"#, #"{"a": 2}"#, path: "r", at: "r.a", "expected 1, got 2")
    }

    func testAnyOfKeepsTheRootStatus() {
        assertMatches(#"{"$$anyOf": [{"a": 1}]}"#, #"{"a": 1, "b": 2}"#, root: true)
        assertMismatch(#"{"$$anyOf": [{"a": 1}]}"#, #"{"a": 1, "b": 2}"#, root: false, at: "", #"unexpected field "b" with value 2"#)
    }

    func testMatchAsRootAllowsExtraKeysInANestedDocument() {
        assertMatches(#"{"reply": {"$$matchAsRoot": {"ok": 1}}}"#, #"{"reply": {"ok": 1.0, "operationTime": 5}}"#)
        assertMismatch(#"{"reply": {"$$matchAsRoot": {"ok": 1}}}"#, #"{"reply": {"ok": 0}}"#, at: "reply.ok", "expected 1, got 0")
    }

    // MARK: $$unordered

    func testUnorderedMatchesInAnyOrder() {
        assertMatches(#"{"$$unordered": [3, 1, 2]}"#, "[1, 2, 3]")
        assertMatches(#"{"$$unordered": [{"_id": 2}, {"_id": 1}]}"#, #"[{"_id": 1, "x": 1}, {"_id": 2}]"#, root: true)
    }

    func testUnorderedFindsAPairingWhereAGreedyPassWouldNot() {
        assertMatches(#"{"$$unordered": [{"$$type": "number"}, 1]}"#, "[1, 2]")
    }

    func testUnorderedCountsDuplicates() {
        assertMatches(#"{"$$unordered": [1, 1, 2]}"#, "[1, 2, 1]")
        assertMismatch(#"{"v": {"$$unordered": [1, 1]}}"#, #"{"v": [1, 2]}"#, at: "v",
            "expected [1,1] in any order, got [1,2]: expected element [1] (1) has no match of its own")
        assertMismatch(#"{"$$unordered": [1, 3]}"#, "[1, 2]", at: "",
            "expected [1,3] in any order, got [1,2]: nothing matches expected element [1] (3)")
    }

    func testUnorderedNeedsTheSameLengthAndKeepsNestedStatus() {
        assertMismatch(#"{"$$unordered": [1]}"#, "[1, 1]", at: "", "expected 1 element in any order [1], got 2 elements [1,1]")
        assertMismatch(#"{"a": {"$$unordered": [{"b": 1}]}}"#, #"{"a": [{"b": 1, "c": 2}]}"#, root: true, at: "a",
            #"expected [{"b":1}] in any order, got [{"b":1,"c":2}]: nothing matches expected element [0] ({"b":1})"#)
        assertMismatch(#"{"$$unordered": [1]}"#, "1", at: "", "expected [1] in any order, got 1")
    }

    // MARK: Operators the matcher does not know

    func testSubstitutionOperatorsAreNotKnownHere() {
        for name in ["$$var", "$$now", "$$newObjectId"] {
            assertMismatch(#"{"a": {""# + name + #"": "x"}}"#, #"{"a": 1}"#, at: "a",
                "operator `\(name)` is not known here: the runner replaces it before matching")
        }
    }

    func testUnknownOperatorSuggestsTheNearest() {
        assertMismatch(#"{"a": {"$$tyep": "date"}}"#, #"{"a": 1}"#, at: "a", "operator `$$tyep` is not known here; did you mean `$$type`?")
        assertMismatch(#"{"$$zzzzzzzz": 1}"#, "1", at: "", "operator `$$zzzzzzzz` is not known here")
    }

    func testOperatorMustBeTheOnlyKey() {
        assertMismatch(#"{"a": {"$$exists": true, "b": 1}}"#, #"{"a": {"b": 1}}"#, at: "a", "operator `$$exists` must be the only key of its document")
    }
}
