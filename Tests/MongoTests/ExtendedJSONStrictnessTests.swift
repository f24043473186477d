import XCTest

@testable import Mongo

/// Values libbson's reader would change in silence are errors where they stand; values
/// written exactly still read as before.
final class ExtendedJSONStrictnessTests: XCTestCase {
    /// Each value, as the `v` of a document on line 2, and what its message must say.
    static let refused: [(value: String, message: String)] = [
        (#"{"$numberDecimal": "garbage"}"#, #"{"$numberDecimal": "garbage"} is not a decimal number"#),
        (#"{"$numberDecimal": "100,50"}"#, "is not a decimal number"),
        (#"{"$numberDecimal": ""}"#, "is not a decimal number"),
        (#"{"$numberDecimal": "0x1F"}"#, "is not a decimal number"),
        (#"{"$numberDecimal": "1e6145"}"#, "is outside Decimal128's range"),
        (#"{"$numberDecimal": "1234567890123456789012345678901234567"}"#, "has 37 significant digits; Decimal128 holds 34"),
        ("99999999999999999999999999999", "the integer 99999999999999999999999999999 is outside int64"),
        ("18446744073709551616", "is outside int64"),
        ("-9223372036854775809", "is outside int64"),
        ("1e400", "is outside a double's range"),
        (#"{"$numberDouble": "xyz"}"#, #"{"$numberDouble": "xyz"} is not a number"#),
        (#"{"$numberDouble": "1e999"}"#, "is outside a double's range"),
        (#"{"$numberInt": "2147483648"}"#, "is not an int32"),
        (#"{"$numberInt": "1.5"}"#, "is not an int32"),
        (#"{"$numberLong": "12abc"}"#, "is not an int64"),
        (#"{"$date": "2026-02-30T00:00:00Z"}"#, "is not a date: 2026-02 has 28 days"),
        (#"{"$date": "2025-02-29T00:00:00Z"}"#, "2025-02 has 28 days"),
        (#"{"$date": "2026-13-01T00:00:00Z"}"#, "has no month 13"),
        (#"{"$date": "2026-01-01T24:00:00Z"}"#, "has no hour 24"),
        (#"{"$date": "yesterday"}"#, #"{"$date": "yesterday"} is not a date: write it in ISO 8601, such as 2026-01-05T00:00:00Z"#),
        (#"{"$date": "05/01/2026"}"#, "is not a date: write it in ISO 8601"),
        (#"{"$oid": "0123456789abcdef0123456X"}"#, "is not an ObjectId: it takes exactly 24 hexadecimal digits"),
        (#"{"$oid": "0123456789abcdef01234567aa"}"#, "is not an ObjectId"),
        (#"{"$timestamp": {"t": 4294967296, "i": 1}}"#, "is not a timestamp's seconds: it takes a whole number from 0 to 4294967295"),
        (#"{"$timestamp": {"t": 1, "i": 4294967297}}"#, "is not a timestamp's increment"),
        (#"{"$regularExpression": {"pattern": "a", "options": "iq"}}"#, #"the regular expression options "iq" hold "q", which would be dropped"#),
        (#"{"$regex": "a", "$options": "z"}"#, #"hold "z", which would be dropped"#),
        // A misspelt type key would store a document with that field instead of the value.
        (#"{"$dat": "2026-01-05T00:00:00Z"}"#, "`$dat` is not an Extended JSON type key, so this object would be stored as a document with a field named `$dat`; did you mean `$date`?"),
        (#"{"$Date": "2026-01-05T00:00:00Z"}"#, "did you mean `$date`?"),
        (#"{"$numberlong": "5"}"#, "did you mean `$numberLong`?"),
        (#"{"$numberDeciml": "1.5"}"#, "did you mean `$numberDecimal`?"),
        (#"{"$oi": "0123456789abcdef01234567"}"#, "did you mean `$oid`?"),
        (#"{ "$numbrInt" : "5"}"#, "did you mean `$numberInt`?"),
        ("NaN", #"bare NaN is not JSON and would not be read as written; write {"$numberDouble": "NaN"}"#),
        ("Infinity", "bare Infinity is not JSON"),
        ("-Infinity", "bare -Infinity is not JSON"),
    ]

    static let accepted: [String] = [
        #"{"$numberDecimal": "100.50"}"#, #"{"$numberDecimal": "-0"}"#, #"{"$numberDecimal": "1E+3"}"#,
        #"{"$numberDecimal": "1.000000000000000000000000000000000E+6144"}"#, #"{"$numberDecimal": "1E-6176"}"#,
        #"{"$numberDecimal": "-Infinity"}"#, #"{"$numberDecimal": "NaN"}"#,
        "9223372036854775807", "-9223372036854775808", "1.7976931348623157e+308", "5e-324",
        #"{"$numberDouble": "-0.0"}"#, #"{"$numberDouble": "Infinity"}"#, #"{"$numberDouble": "1.5e+300"}"#,
        #"{"$numberInt": "-2147483648"}"#, #"{"$numberLong": "9223372036854775807"}"#,
        #"{"$date": "2024-02-29T23:59:59.999Z"}"#, #"{"$date": {"$numberLong": "-62135596800000"}}"#,
        #"{"$oid": "0123456789abcdefABCDEF01"}"#, #"{"$timestamp": {"t": 4294967295, "i": 0}}"#,
        #"{"$regularExpression": {"pattern": "a", "options": "ilmsux"}}"#, #""NaN and Infinity inside a string""#, #""{\"$oid\": \"x\"}""#,
        // Keys of MongoDB's own near a type key, a near miss that is not the object's first
        // key (a field, not a wrapper), and `$$` names are read as written.
        #"{"$cond": [true, 1, 2]}"#, #"{"$id": 1}"#, #"{"$score": {"score": 1}}"#, #"{"$type": "date"}"#, #"{"$set": {"a": 1}}"#, #"{"$gte": 5}"#,
        #"{"a": 1, "$dat": 2}"#, #"{"$$var": "x"}"#, #"{"$dateToString": {"date": "$at"}}"#, #"{"$toDate": "$at"}"#,
    ]

    func testEveryValueNotReadAsWrittenIsAnErrorAtItsPlace() {
        for (value, message) in Self.refused {
            let text = "{\"a\": 1,\n \"v\": \(value)}"
            do {
                _ = try ExtendedJSON.parseDocument(text)
                XCTFail("\(value) was accepted")
            } catch {
                XCTAssertEqual(error.line, 2, "\(value): \(error)")
                // A bare value is reported where it starts (column 7); a typed one at the
                // part that is wrong, inside it.
                if value.hasPrefix("{") {
                    XCTAssertTrue((8..<(7 + value.count)).contains(error.column), "\(value): \(error)")
                } else {
                    XCTAssertEqual(error.column, 7, "\(value): \(error)")
                }
                XCTAssertTrue(error.message.contains(message), "\(value): \(error.message)")
            }
        }
    }

    /// Both readers refuse a misspelt type key: the fast one hands the text to the full
    /// path, which locates it.
    func testAMisspeltTypeKeyIsRefusedByBothReaders() {
        let text = Array(#"{"due": {"$dat": "2026-01-05T00:00:00Z"}}"#.utf8)
        XCTAssertNil(FastJSONReader.document(text))
        XCTAssertThrowsError(try ExtendedJSON.parseDocumentFully(text))
        XCTAssertNotNil(FastJSONReader.document(Array(#"{"due": {"$date": "2026-01-05T00:00:00Z"}}"#.utf8)))
    }

    func testValuesWrittenExactlyStillRead() throws {
        for value in Self.accepted {
            XCTAssertNoThrow(try ExtendedJSON.parseDocument("{\"v\": \(value)}"), value)
        }
        let decimal = try ExtendedJSON.parseDocument(#"{"v": {"$numberDecimal": "100.50"}}"#)
        XCTAssertEqual(decimal["v"]?.extendedJSON(.canonical), #"{"$numberDecimal":"100.50"}"#)
    }
}
