import XCTest

@testable import Mongo

/// Malformed Extended JSON is reported at the right place: lines and columns from 1,
/// columns counted in characters. Each expectation was worked out by hand from the input:
/// the column must fall on the offending token, or immediately after it.
final class ExtendedJSONErrorTests: XCTestCase {

    private struct Row {
        let name: String
        let input: String
        let line: Int
        /// Columns that point at (or just after) the offending token.
        let columns: ClosedRange<Int>
        let message: String
    }

    private let table: [Row] = [
        // Line 4 is the lone "}" that follows the trailing comma.
        Row(name: "trailing comma over several lines", input: "{\n  \"a\": 1,\n  \"b\": 2,\n}",
            line: 4, columns: 1...1, message: "trailing comma"),
        Row(name: "trailing comma in an array", input: #"{"a": [1, 2,]}"#,
            line: 1, columns: 13...13, message: "trailing comma"),
        // `{"a": }`: column 7 is the "}" where the value should be.
        Row(name: "missing value before }", input: #"{"a": }"#,
            line: 1, columns: 7...7, message: #"unexpected "}""#),
        Row(name: "missing value before ,", input: #"{"a": , "b": 1}"#,
            line: 1, columns: 7...7, message: #"unexpected ",": no value comes before it (a comma too many, or a value missing?)"#),
        Row(name: "two commas", input: #"{"a": 1,, "b": 2}"#,
            line: 1, columns: 9...9, message: #"unexpected ",": no value comes before it (a comma too many, or a value missing?)"#),
        // The string opens at column 7 and runs to the end of input (column 11).
        Row(name: "unclosed string", input: #"{"a": "abc"#,
            line: 1, columns: 7...11, message: "end of input"),
        // `\q` is at columns 9-10.
        Row(name: "bad escape", input: #"{"a": "x\qy"}"#,
            line: 1, columns: 9...10, message: "escape"),
        // `tru` is at columns 7-9; libbson only knows it is wrong at the "}" (column 10).
        Row(name: "misspelled true", input: #"{"a": tru}"#,
            line: 1, columns: 7...10, message: "misspelled"),
        // Line 3 is `  "id": {"$oid": "not-an-oid"}`: the value string spans columns 18-29.
        Row(name: "invalid $oid on line 3", input: "{\n  \"x\": 1,\n  \"id\": {\"$oid\": \"not-an-oid\"}\n}",
            line: 3, columns: 18...30, message: "ObjectId"),
        Row(name: "$oid one digit short on line 3",
            input: "{\n  \"x\": 1,\n  \"id\": {\"$oid\": \"5f0c8a3b2e4d1a0b9c8d7e6\"}\n}",
            line: 3, columns: 18...43, message: "ObjectId"),
        // `"yesterday"` spans columns 20-30.
        Row(name: "bad $date string", input: #"{"when": {"$date": "yesterday"}}"#,
            line: 1, columns: 20...31, message: "yesterday"),
        // The stray key `"extra"` spans columns 28-34.
        Row(name: "$numberLong with an extra key", input: #"{"n": {"$numberLong": "1", "extra": 2}}"#,
            line: 1, columns: 28...35, message: "extra"),
        Row(name: "trailing word after the document", input: "{} x",
            line: 1, columns: 4...4, message: #"unexpected "x""#),
        Row(name: "second document after the first", input: "{}{}",
            line: 1, columns: 3...3, message: "after the end"),
        Row(name: "second document on a later line", input: "{\n\"a\": 1\n}\n{\"b\": 2}",
            line: 4, columns: 1...1, message: "after the end"),
        Row(name: "empty input", input: "",
            line: 1, columns: 1...1, message: "expected a JSON object"),
        Row(name: "top-level array", input: "[1, 2]",
            line: 1, columns: 1...1, message: "expected a JSON object"),
        Row(name: "top-level array after blank lines", input: "\n\n  [1]",
            line: 3, columns: 3...3, message: "expected a JSON object"),
        Row(name: "top-level number", input: "42",
            line: 1, columns: 1...1, message: "expected a JSON object"),
        // The key `"b"` that lacks a comma before it spans columns 9-11.
        Row(name: "missing comma", input: #"{"a": 1 "b": 2}"#,
            line: 1, columns: 9...11, message: "unexpected"),
        Row(name: "single-quoted key", input: "{'a': 1}",
            line: 1, columns: 2...2, message: "'"),
        Row(name: "leading zero", input: #"{"a": 01}"#,
            line: 1, columns: 7...8, message: "number"),
        // "café" and "naïve" hold 2-byte characters: `tru` is at characters 24-26, "}" at 27
        // (bytes would say 29).
        Row(name: "non-ASCII before the error", input: #"{"café": "naïve", "x": tru}"#,
            line: 1, columns: 24...27, message: "misspelled"),
        // Two 4-byte emoji in the key: the "}" is character 16 (byte 22).
        Row(name: "emoji before the error", input: #"{"😀😀": 1, "b": }"#,
            line: 1, columns: 16...16, message: #"unexpected "}""#),
        // Line 2 is ` "日本": }` (3 bytes per ideograph): the "}" is character 8 (byte 12).
        Row(name: "non-ASCII on the error line, not the first", input: "{\"x\": 1,\n \"日本\": }",
            line: 2, columns: 8...8, message: #"unexpected "}""#),
    ]

    func testErrorsAreReportedAtTheOffendingToken() {
        for row in table {
            XCTAssertThrowsError(try ExtendedJSON.parseDocument(row.input), row.name) { error in
                guard let error = error as? ExtendedJSONError else {
                    return XCTFail("\(row.name): not an ExtendedJSONError: \(error)")
                }
                XCTAssertEqual(error.line, row.line, "\(row.name): \(error)")
                XCTAssertTrue(
                    row.columns.contains(error.column),
                    "\(row.name): column \(error.column) is not in \(row.columns): \(error)")
                XCTAssertTrue(
                    error.message.contains(row.message),
                    "\(row.name): message \(error.message.debugDescription) lacks \(row.message.debugDescription)")
                // The offset and the line/column describe the same place.
                let position = TextPosition.lineAndColumn(of: error.offset, in: Array(row.input.utf8))
                XCTAssertEqual(position.line, error.line, row.name)
                XCTAssertEqual(position.column, error.column, row.name)
                XCTAssertEqual(error.description, "\(error.line):\(error.column): \(error.message)")
            }
        }
    }

    func testTheSameErrorIsReportedForStringAndByteInput() {
        for row in table {
            let fromString = failure { () throws(ExtendedJSONError) in try ExtendedJSON.parseDocument(row.input) }
            let fromBytes = failure { () throws(ExtendedJSONError) in try ExtendedJSON.parseDocument(Array(row.input.utf8)) }
            XCTAssertNotNil(fromString, row.name)
            XCTAssertEqual(fromString, fromBytes, row.name)
        }
    }

    /// Incomplete input has no offending byte: the problem is where the input stops, one past
    /// its last character. BUG: the code reports the last character itself (the offset of
    /// the end minus one, ExtendedJSON.parseTopLevel's `failure.consumed - 1`).
    func testIncompleteInputIsReportedAtTheEndOfInput() {
        let cases: [(input: String, line: Int, column: Int)] = [
            (#"{"a": 1"#, 1, 8),  // end of input is just after the "1" at column 7
            (#"{"a": [1, 2"#, 1, 12),  // just after the "2" at column 11
            ("{\n  \"a\": {\"b\": 1}", 2, 16),  // just after the "}" at column 15
        ]
        for (input, line, column) in cases {
            XCTAssertThrowsError(try ExtendedJSON.parseDocument(input), input) { error in
                guard let error = error as? ExtendedJSONError else { return XCTFail("\(error)") }
                XCTAssertTrue(error.message.contains("end of input"), "\(input.debugDescription): \(error)")
                XCTAssertEqual(error.line, line, "\(input.debugDescription): \(error)")
                XCTAssertEqual(error.column, column, "\(input.debugDescription): \(error)")
            }
        }
    }

    func testUnclosedObjectSaysEndOfInputOnTheLastLine() {
        XCTAssertThrowsError(try ExtendedJSON.parseDocument("{\n  \"a\": {\"b\": 1}\n")) { error in
            guard let error = error as? ExtendedJSONError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.message.contains("end of input"), "\(error)")
            XCTAssertGreaterThanOrEqual(error.line, 2, "\(error)")
        }
    }

    func testTrailingWhiteSpaceAfterTheDocumentIsAccepted() throws {
        XCTAssertEqual(try ExtendedJSON.parseDocument("{}  \n\n"), BSONDocument())
        XCTAssertEqual(try ExtendedJSON.parseDocument("\n\t {\"a\": 1}\r\n"), ["a": 1])
    }

    func testWhiteSpaceOnlyInputIsAnError() {
        XCTAssertThrowsError(try ExtendedJSON.parseDocument("  \n  ")) { error in
            XCTAssertTrue((error as? ExtendedJSONError)?.message.contains("expected a JSON object") == true, "\(error)")
        }
    }

    /// BUG: parseDocument skips a UTF-8 byte order mark when it looks for the opening "{"
    /// (firstSignificantOffset), but then hands the bytes, mark included, to libbson,
    /// which rejects them. Expected: the mark is skipped and the object is read.
    func testByteOrderMarkBeforeTheObjectIsSkipped() {
        XCTAssertEqual(try? ExtendedJSON.parseDocument("\u{FEFF}{\"a\": 1}"), ["a": 1])
    }

    private func failure(_ body: () throws(ExtendedJSONError) -> BSONDocument) -> ExtendedJSONError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: - parseValue

    func testParseValueReadsATopLevelArrayInOrder() throws {
        let text = #"[3, "two", {"b": 1}, [true], null, 4, 5, 6, 7, 8, 9, 10, {"$numberLong": "11"}]"#
        let expected: [BSON] = [3, "two", ["b": 1], [true], nil, 4, 5, 6, 7, 8, 9, 10, .int64(11)]
        XCTAssertEqual(try ExtendedJSON.parseValue(Array(text.utf8)), .array(expected))
        XCTAssertEqual(try ExtendedJSON.parseValue(Array("  []\n".utf8)), .array([]))
    }

    func testParseValueReadsATopLevelObject() throws {
        XCTAssertEqual(try ExtendedJSON.parseValue(Array(#"{"z": 1, "a": 2}"#.utf8)), .document(["z": 1, "a": 2]))
    }

    func testParseValueRejectsNDJSON() {
        let inputs = ["{\"a\": 1}\n{\"a\": 2}\n", "[1]\n[2]"]
        for input in inputs {
            XCTAssertThrowsError(try ExtendedJSON.parseValue(Array(input.utf8)), input.debugDescription) { error in
                guard let error = error as? ExtendedJSONError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.line, 2, "\(input.debugDescription): \(error)")
                XCTAssertEqual(error.column, 1, "\(input.debugDescription): \(error)")
            }
        }
    }

    func testParseValueRejectsScalarsAndEmptyInput() {
        for input in ["1", "\"x\"", "true", "", "   "] {
            XCTAssertThrowsError(try ExtendedJSON.parseValue(Array(input.utf8)), input.debugDescription) { error in
                XCTAssertTrue(
                    (error as? ExtendedJSONError)?.message.contains("object (`{`) or array (`[`)") == true, "\(error)")
            }
        }
    }

    // MARK: - TextPosition

    func testTextPositionCountsCharactersNotBytesAndRestartsColumnsAfterNewlines() {
        let bytes = Array("aé😀b\ncd".utf8)  // a(1) é(2) 😀(4) b(1) \n c d
        let cases: [(offset: Int, line: Int, column: Int)] = [
            (0, 1, 1),  // a
            (1, 1, 2),  // é
            (3, 1, 3),  // 😀
            (7, 1, 4),  // b
            (8, 1, 5),  // the newline itself
            (9, 2, 1),  // c
            (10, 2, 2),  // d
            (11, 2, 3),  // end of input
        ]
        for (offset, line, column) in cases {
            let position = TextPosition.lineAndColumn(of: offset, in: bytes)
            XCTAssertEqual(position.line, line, "offset \(offset)")
            XCTAssertEqual(position.column, column, "offset \(offset)")
        }
    }

    /// Editors show a byte order mark as nothing, so columns on the first line do not count it.
    func testAByteOrderMarkTakesNoColumnInErrorPositions() {
        XCTAssertThrowsError(try ExtendedJSON.parseDocument("\u{FEFF}{\"a\": tru}")) { error in
            let error = error as? ExtendedJSONError
            XCTAssertEqual(error?.line, 1)
            XCTAssertEqual(error?.column, 10, "the `}` that cuts `tru` short, as without the mark")
        }
        XCTAssertThrowsError(try ExtendedJSON.parseDocument("{\"a\": tru}")) { error in
            XCTAssertEqual((error as? ExtendedJSONError)?.column, 10)
        }
    }
}
