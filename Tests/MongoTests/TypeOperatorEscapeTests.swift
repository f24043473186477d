import XCTest

@testable import Mongo

/// MongoDB's `$type` operator in Extended JSON input, which libbson 1.23 alone rejects.
final class TypeOperatorEscapeTests: XCTestCase {
    func testTheQueryOperatorIsReadAsAnOrdinaryKey() throws {
        let filter = try ExtendedJSON.parseDocument(#"{"billed": {"$type": "bool"}, "billed_at": {"$type": ["date", "null"]}}"#)
        XCTAssertEqual(filter, ["billed": ["$type": "bool"], "billed_at": ["$type": ["date", "null"]]])
    }

    func testTheAggregationOperatorAndNumericAliasesAreRead() throws {
        let stage = try ExtendedJSON.parseDocument(#"{"$project": {"t": {"$type": "$billed"}, "n": {"x": {"$type": 9}}}}"#)
        XCTAssertEqual(stage, ["$project": ["t": ["$type": "$billed"], "n": ["x": ["$type": 9]]]])
    }

    func testLegacyBinaryWithTypeIsStillBinary() throws {
        for text in [#"{"a": {"$binary": "AQI=", "$type": "80"}}"#, #"{"a": {"$type": "80", "$binary": "AQI="}}"#] {
            XCTAssertEqual(try ExtendedJSON.parseDocument(text), ["a": .binary(BSONBinary(subtype: 0x80, bytes: [1, 2]))], text)
        }
    }

    func testATypeKeyInsideAStringOrAsAValueIsLeftAlone() throws {
        let document = try ExtendedJSON.parseDocument(#"{"note": "\"$type\": x", "k": "$type", "arr": ["$type"]}"#)
        XCTAssertEqual(document, ["note": "\"$type\": x", "k": "$type", "arr": ["$type"]])
    }

    func testInputHoldingThePlaceholderIsReadAsWritten() throws {
        let text = #"{"$__preflight_type": 1}"#
        XCTAssertEqual(try ExtendedJSON.parseDocument(text), ["$__preflight_type": 1])
    }

    func testErrorsAfterARenamedKeyPointAtTheOriginalText() {
        // Line 3, column 12 is the stray comma; the renamed key before it must not shift it.
        let text = "{\n  \"a\": {\"$type\": \"date\"},\n  \"b\": [1, ,]\n}"
        XCTAssertThrowsError(try ExtendedJSON.parseDocument(text)) { error in
            let error = error as? ExtendedJSONError
            XCTAssertEqual(error?.line, 3)
            XCTAssertEqual(error?.column, 12)
        }
        let sameLine = "{\"a\": {\"$type\": \"date\"}, \"b\": tru}"
        XCTAssertThrowsError(try ExtendedJSON.parseDocument(sameLine)) { error in
            let error = error as? ExtendedJSONError
            XCTAssertEqual(error?.line, 1)
            XCTAssertEqual(error?.column, 34, "the `}` that cuts `tru` short, as without the rename")
        }
    }

    func testOffsetsMapBackAcrossSeveralRenames() {
        let escape = TypeOperatorEscape(Array(#"{"a":{"$type":1},"b":{"$type":2}}"#.utf8))
        XCTAssertEqual(escape.renamed, [6, 22])
        let growth = "$__preflight_type".count - "$type".count
        XCTAssertEqual(escape.originalOffset(0), 0)
        XCTAssertEqual(escape.originalOffset(8), 6, "inside the first placeholder maps to its key")
        XCTAssertEqual(escape.originalOffset(22 + growth), 22, "the second key's quote")
        XCTAssertEqual(escape.originalOffset(escape.bytes.count - 1), 32, "the closing brace")
    }
}
