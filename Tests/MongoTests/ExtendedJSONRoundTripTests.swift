import CMongoC
import XCTest

@testable import Mongo

/// Round trips for every BSON type and its edges, through four routes:
///  (a) Swift value -> libbson `bson_t` (makeBSON) -> Swift value (BSONDocument(copying:))
///  (b) canonical Extended JSON written here -> ExtendedJSON.parseDocument
///  (c) relaxed Extended JSON written here -> ExtendedJSON.parseDocument, lossy only where the spec says so
///  (d) libbson reading our canonical output and writing it back agrees with libbson writing the
///      same document built by makeBSON.
final class ExtendedJSONRoundTripTests: XCTestCase {

    // MARK: - (a) through (d) over the whole corpus

    func testEveryCorpusDocumentSurvivesEncodingToBSONAndBack() throws {
        for entry in corpus {
            let back = try bsonRoundTrip(entry.document)
            assertIdentical(back, entry.document, "(a) makeBSON -> copying, case \(entry.name)")
        }
    }

    func testCanonicalOutputParsesBackToAnIdenticalDocument() throws {
        for entry in corpus {
            let json = entry.document.extendedJSON(.canonical)
            let back = try parse(json, entry.name)
            assertIdentical(back, entry.document, "(b) canonical, case \(entry.name): \(json)")
        }
    }

    func testRelaxedOutputParsesBackIdenticallyExceptSmallInt64sWhichBecomeInt32() throws {
        for entry in corpus {
            let json = entry.document.extendedJSON(.relaxed)
            let back = try parse(json, entry.name)
            assertIdentical(back, relaxedReadBack(entry.document), "(c) relaxed, case \(entry.name): \(json)")
        }
    }

    func testLibbsonReadsOurCanonicalOutputAsTheDocumentMakeBSONBuilds() throws {
        for entry in corpus {
            let ours = entry.document.extendedJSON(.canonical)
            let viaOurJSON = try libbsonReparsedCanonical(ours)
            let viaMakeBSON = try libbsonCanonical(entry.document)
            XCTAssertEqual(viaOurJSON, viaMakeBSON, "(d) case \(entry.name): our canonical \(ours)")
        }
    }

    // MARK: - Edges checked explicitly

    func testNegativeZeroKeepsItsSignBitOnEveryRoute() throws {
        let document: BSONDocument = ["z": .double(-0.0)]
        let routes: [(String, BSONDocument)] = [
            ("bson", try bsonRoundTrip(document)),
            ("canonical", try ExtendedJSON.parseDocument(document.extendedJSON(.canonical))),
            ("relaxed", try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed))),
        ]
        for (route, back) in routes {
            guard case .double(let value)? = back["z"] else {
                XCTFail("\(route): not a double: \(back)")
                continue
            }
            XCTAssertEqual(value, 0, route)
            XCTAssertEqual(value.sign, .minus, "\(route) lost the sign of -0.0")
        }
        XCTAssertEqual(document.extendedJSON(.canonical), #"{"z":{"$numberDouble":"-0.0"}}"#)
        XCTAssertEqual(document.extendedJSON(.relaxed), #"{"z":-0.0}"#)
    }

    func testNonFiniteDoublesAreWrittenAsNumberDoubleInBothModes() throws {
        let cases: [(Double, String)] = [(.nan, "NaN"), (.infinity, "Infinity"), (-.infinity, "-Infinity")]
        for (value, text) in cases {
            let document: BSONDocument = ["d": .double(value)]
            let expected = #"{"d":{"$numberDouble":""# + text + #""}}"#
            XCTAssertEqual(document.extendedJSON(.canonical), expected)
            XCTAssertEqual(document.extendedJSON(.relaxed), expected)
            for json in [document.extendedJSON(.canonical), document.extendedJSON(.relaxed)] {
                guard case .double(let back)? = try ExtendedJSON.parseDocument(json)["d"] else {
                    XCTFail("\(json) did not read back as a double")
                    continue
                }
                if value.isNaN {
                    XCTAssertTrue(back.isNaN, json)
                } else {
                    XCTAssertEqual(back, value, json)
                }
            }
        }
    }

    func testRelaxedInt64ThatFitsInt32ReadsBackAsInt32AndLargerOnesStayInt64() throws {
        let document: BSONDocument = [
            "small": .int64(5), "int32Max": .int64(Int64(Int32.max)), "int32Min": .int64(Int64(Int32.min)),
            "above": .int64(2_147_483_648), "below": .int64(-2_147_483_649),
        ]
        XCTAssertEqual(
            document.extendedJSON(.relaxed),
            #"{"small":5,"int32Max":2147483647,"int32Min":-2147483648,"above":2147483648,"below":-2147483649}"#)
        let back = try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed))
        XCTAssertEqual(back["small"], .int32(5))
        XCTAssertEqual(back["int32Max"], .int32(.max))
        XCTAssertEqual(back["int32Min"], .int32(.min))
        XCTAssertEqual(back["above"], .int64(2_147_483_648))
        XCTAssertEqual(back["below"], .int64(-2_147_483_649))
        // Canonical mode is lossless for the same values.
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.canonical)), document)
    }

    func testRelaxedWholeDoublesKeepAFractionSoTheyReadBackAsDoubles() throws {
        let document: BSONDocument = ["one": .double(1.0), "hundred": .double(100), "minusTwo": .double(-2)]
        XCTAssertEqual(document.extendedJSON(.relaxed), #"{"one":1.0,"hundred":100.0,"minusTwo":-2.0}"#)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed)), document)
    }

    func testCanonicalNumbersAreTyped() {
        XCTAssertEqual((["a": .int32(1)] as BSONDocument).extendedJSON(.canonical), #"{"a":{"$numberInt":"1"}}"#)
        XCTAssertEqual((["a": .int64(1)] as BSONDocument).extendedJSON(.canonical), #"{"a":{"$numberLong":"1"}}"#)
        XCTAssertEqual((["a": .double(1)] as BSONDocument).extendedJSON(.canonical), #"{"a":{"$numberDouble":"1.0"}}"#)
        XCTAssertEqual((["a": .int32(1)] as BSONDocument).extendedJSON(.relaxed), #"{"a":1}"#)
    }

    func testRelaxedDatesFrom1970Through9999AreISO8601() {
        let cases: [(Int64, String)] = [
            (1_769_544_000_000, "2026-01-27T20:00:00Z"),
            (1_769_544_000_123, "2026-01-27T20:00:00.123Z"),
            (1_769_544_000_001, "2026-01-27T20:00:00.001Z"),
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ]
        for (milliseconds, iso) in cases {
            let document: BSONDocument = ["d": .datetime(milliseconds)]
            XCTAssertEqual(document.extendedJSON(.relaxed), #"{"d":{"$date":""# + iso + #""}}"#)
            XCTAssertEqual(
                document.extendedJSON(.canonical), #"{"d":{"$date":{"$numberLong":""# + String(milliseconds) + #""}}}"#)
        }
    }

    func testRelaxedDatesOutsideTheISORangeUseNumberLong() {
        for milliseconds: Int64 in [-1, -315_619_200_000, -62_135_596_800_000, .min, 253_402_300_800_000, .max] {
            let document: BSONDocument = ["d": .datetime(milliseconds)]
            XCTAssertEqual(document.extendedJSON(.relaxed), #"{"d":{"$date":{"$numberLong":""# + String(milliseconds) + #""}}}"#)
        }
    }

    func testISODatesWrittenHereAreTheInstantLibbsonReadsBack() throws {
        // Libbson's own date parser is the judge of what our ISO text means.
        for milliseconds: Int64 in [0, 1, 999, 86_399_999, 951_782_400_000, 1_769_544_000_123, 253_402_300_799_999] {
            let json = (["d": .datetime(milliseconds)] as BSONDocument).extendedJSON(.relaxed)
            XCTAssertEqual(try ExtendedJSON.parseDocument(json)["d"], .datetime(milliseconds), json)
        }
    }

    func testRegexOptionsAreWrittenInAlphabeticalOrder() {
        let document: BSONDocument = ["r": .regex(pattern: "^a", options: "xsmi")]
        let expected = #"{"r":{"$regularExpression":{"pattern":"^a","options":"imsx"}}}"#
        XCTAssertEqual(document.extendedJSON(.canonical), expected)
        XCTAssertEqual(document.extendedJSON(.relaxed), expected)
    }

    func testRegexOptionsGivenOutOfOrderAreStoredSortedAsBSONRequires() throws {
        // BSON stores regex options sorted; libbson sorts them on append, so "xi" comes back "ix".
        let document: BSONDocument = ["r": .regex(pattern: "a+", options: "xi")]
        let sorted: BSONDocument = ["r": .regex(pattern: "a+", options: "ix")]
        XCTAssertEqual(try bsonRoundTrip(document), sorted)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.canonical)), sorted)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed)), sorted)
        XCTAssertEqual(try libbsonReparsedCanonical(document.extendedJSON(.canonical)), try libbsonCanonical(document))
    }

    func testStringsEscapeQuotesBackslashesAndControlCharacters() {
        let document: BSONDocument = ["s": .string("q\"b\\n\u{0}c\u{1F}\n\t\r\u{8}\u{C}/é😀")]
        XCTAssertEqual(
            document.extendedJSON(.canonical),
            #"{"s":"q\"b\\n\u0000c\u001f\n\t\r\b\f/é😀"}"#)
    }

    // MARK: - Parsing rules for plain JSON numbers

    func testPlainIntegersAreInt32WhenTheyFitElseInt64AndFractionsOrExponentsAreDoubles() throws {
        let cases: [(String, BSON)] = [
            ("0", .int32(0)),
            ("2147483647", .int32(.max)),
            ("-2147483648", .int32(.min)),
            ("2147483648", .int64(2_147_483_648)),
            ("-2147483649", .int64(-2_147_483_649)),
            ("9223372036854775807", .int64(.max)),
            ("-9223372036854775808", .int64(.min)),
            ("1.0", .double(1)),
            ("1e3", .double(1000)),
            ("1E3", .double(1000)),
            ("2.5e-1", .double(0.25)),
            ("-0.5", .double(-0.5)),
        ]
        for (text, expected) in cases {
            let document = try ExtendedJSON.parseDocument(#"{"n": "# + text + "}")
            XCTAssertEqual(document["n"], expected, text)
        }
    }

    func testIntegerBeyondInt64IsAnError() {
        XCTAssertThrowsError(try ExtendedJSON.parseDocument(#"{"n": 9223372036854775808}"#))
    }

    // MARK: - Order, duplicates, nesting

    func testKeyOrderIsPreservedExactlyOnEveryRoute() throws {
        let keys = ["z", "a", "10", "2", "_id", "B", "b", "é", ""]
        let document = BSONDocument(keys.enumerated().map { ($0.element, BSON.int32(Int32($0.offset))) })
        XCTAssertEqual(try bsonRoundTrip(document).keys, keys)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.canonical)).keys, keys)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed)).keys, keys)
        XCTAssertEqual(document.extendedJSON(.relaxed), #"{"z":0,"a":1,"10":2,"2":3,"_id":4,"B":5,"b":6,"é":7,"":8}"#)
    }

    /// Keys and strings reach libbson as their bytes and a length: short ones (kept inside
    /// the Swift string), long ones, empty ones, and a string holding a NUL.
    func testKeysAndStringsOfEveryLengthReachLibbsonByteForByte() throws {
        let texts = ["", "x", "fifteen bytes!!", "sixteen bytes!!!", String(repeating: "long key ", count: 20), "é", "ünïcödé ✓ 🚀"]
        var elements = texts.enumerated().map { ($0.element, BSON.string(texts[texts.count - 1 - $0.offset])) }
        elements.append(("nul", .string("before\u{0}after")))
        let document = BSONDocument(elements)
        let back = try bsonRoundTrip(document)
        XCTAssertEqual(back.keys.map { Array($0.utf8) }, document.keys.map { Array($0.utf8) })
        XCTAssertEqual(back.values.map { Array($0.stringValue!.utf8) }, document.values.map { Array($0.stringValue!.utf8) })
    }

    func testDuplicateKeysArePreservedInOrder() throws {
        let parsed = try ExtendedJSON.parseDocument(#"{"a": 1, "b": 2, "a": 3}"#)
        XCTAssertEqual(parsed.keys, ["a", "b", "a"])
        XCTAssertEqual(parsed.values, [.int32(1), .int32(2), .int32(3)])
        XCTAssertEqual(parsed["a"], .int32(1), "the subscript reads the first of duplicate keys")
        XCTAssertEqual(try bsonRoundTrip(parsed), parsed)
        XCTAssertEqual(parsed.extendedJSON(.relaxed), #"{"a":1,"b":2,"a":3}"#)
    }

    func testHundredLevelsOfDocumentsAndArraysSurviveBSONAndMatchLibbsonsWriter() throws {
        let document: BSONDocument = ["root": nested(levels: 100, leaf: .int32(1))]
        XCTAssertEqual(try bsonRoundTrip(document), document)
        // Libbson writes with spaces around every token; without them it must be our text.
        let libbson = try libbsonCanonical(document).filter { $0 != " " }
        XCTAssertEqual(document.extendedJSON(.canonical), libbson)
        XCTAssertEqual(depth(of: document.extendedJSON(.canonical)), 102)  // root, 100 levels, $numberInt
    }

    func testDeepestNestingLibbsonsJSONReaderAcceptsRoundTripsOnEveryRoute() throws {
        // Libbson 1.23's JSON reader allows 98 levels of JSON nesting: the outer document,
        // 96 nested levels, and the {"$numberInt": ...} wrapper of the leaf in canonical mode.
        let document: BSONDocument = ["root": nested(levels: 96, leaf: .int32(7))]
        XCTAssertEqual(depth(of: document.extendedJSON(.canonical)), 98)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.canonical)), document)
        XCTAssertEqual(try ExtendedJSON.parseDocument(document.extendedJSON(.relaxed)), document)
        XCTAssertEqual(try libbsonReparsedCanonical(document.extendedJSON(.canonical)), try libbsonCanonical(document))
    }

    func testNestingBeyondLibbsonsReaderLimitIsALocatedErrorNotACrash() {
        let document: BSONDocument = ["root": nested(levels: 100, leaf: .bool(true))]
        let json = document.extendedJSON(.relaxed)
        XCTAssertThrowsError(try ExtendedJSON.parseDocument(json)) { error in
            guard let error = error as? ExtendedJSONError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.line, 1)
            XCTAssertGreaterThan(error.offset, 0)
            XCTAssertLessThan(error.offset, json.utf8.count)
        }
    }

    // MARK: - Known source bug

    /// BUG: makeBSON passes JavaScript code, code-with-scope code, regex patterns and
    /// DBPointer namespaces to libbson as C strings, so everything after a NUL is silently
    /// dropped (a key with a NUL throws instead). Expected: the value survives, or makeBSON throws.
    func testValuesContainingNULAreNotSilentlyTruncatedByMakeBSON() throws {
        let oid = ObjectID(hex: "5f0c8a3b2e4d1a0b9c8d7e6f")!
        let values: [BSON] = [
            .javascript("a\u{0}b"),
            .javascriptWithScope(code: "a\u{0}b", scope: [:]),
            .regex(pattern: "a\u{0}b", options: ""),
            .dbPointer(ref: "a\u{0}b", id: oid),
        ]
        for value in values {
            let document: BSONDocument = ["v": value]
            do {
                let back = try bsonRoundTrip(document)
                XCTAssertEqual(back, document, "silently changed by makeBSON: \(value) -> \(back["v"].map { "\($0)" } ?? "nil")")
            } catch {
                // Refusing the value is an acceptable outcome; losing part of it is not.
            }
        }
    }
}

// MARK: - The corpus

private struct CorpusEntry {
    let name: String
    let document: BSONDocument
}

private let sampleID = ObjectID(hex: "5f0c8a3b2e4d1a0b9c8d7e6f")!

private func decimal(_ text: String) -> BSON {
    guard let value = Decimal128(text) else { preconditionFailure("not a decimal: \(text)") }
    return .decimal128(value)
}

private let corpus: [CorpusEntry] = [
    CorpusEntry(name: "int32", document: [
        "min": .int32(.min), "max": .int32(.max), "zero": .int32(0), "minusOne": .int32(-1),
    ]),
    CorpusEntry(name: "int64", document: [
        "min": .int64(.min), "max": .int64(.max), "aboveInt32": .int64(2_147_483_648),
        "belowInt32": .int64(-2_147_483_649), "fitsInt32": .int64(1), "int32Min": .int64(-2_147_483_648),
    ]),
    CorpusEntry(name: "double", document: [
        "negativeZero": .double(-0.0), "zero": .double(0), "one": .double(1.0), "smallestSubnormal": .double(.leastNonzeroMagnitude),
        "largest": .double(1.7976931348623157e308), "mostNegative": .double(-1.7976931348623157e308),
        "tenth": .double(0.1), "tiny": .double(1e-5), "huge": .double(1e16), "third": .double(1.0 / 3),
    ]),
    CorpusEntry(name: "double non-finite", document: [
        "nan": .double(.nan), "infinity": .double(.infinity), "negativeInfinity": .double(-.infinity),
    ]),
    CorpusEntry(name: "strings", document: [
        "empty": "", "quotes": #""quoted" 'single'"#, "backslashes": #"C:\path\to\"x"\\"#,
        "control": .string("\u{1}\u{8}\u{C}\n\r\t\u{1F}\u{7F}"), "nul": .string("a\u{0}b\u{0}"),
        "nonASCII": "naïve café straße 日本語 ключ", "emoji": "😀👍🏽🇩🇪👨‍👩‍👧", "html": "</script><!--",
    ]),
    CorpusEntry(name: "non-ASCII keys", document: [
        "ключ": 1, "日本語": 2, "é": 3, "😀": 4, "a.b": 5, "": 6, "with space": 7,
    ]),
    CorpusEntry(name: "dates", document: [
        "epoch": .datetime(0), "minusOneMillisecond": .datetime(-1), "y1960": .datetime(-315_619_200_000),
        "year1": .datetime(-62_135_596_800_000), "min": .datetime(.min),
        "lastOf9999": .datetime(253_402_300_799_999), "after9999": .datetime(253_402_300_800_000),
        "max": .datetime(.max), "withMillis": .datetime(1_769_544_000_123), "noMillis": .datetime(1_769_544_000_000),
    ]),
    CorpusEntry(name: "binary", document: [
        "generic": .binary(BSONBinary(subtype: 0x00, bytes: [0, 1, 2, 0xFF])),
        "uuid": .binary(BSONBinary(subtype: 0x04, bytes: Array(0..<16))),
        "md5": .binary(BSONBinary(subtype: 0x05, bytes: Array(repeating: 0xAB, count: 16))),
        "user": .binary(BSONBinary(subtype: 0x80, bytes: [0xDE, 0xAD, 0xBE, 0xEF, 0x01])),
        "empty": .binary(BSONBinary(subtype: 0x00, bytes: [])),
    ]),
    CorpusEntry(name: "objectId", document: [
        "id": .objectID(sampleID),
        "zeros": .objectID(ObjectID(bytes: Array(repeating: 0, count: 12))!),
        "ones": .objectID(ObjectID(bytes: Array(repeating: 0xFF, count: 12))!),
    ]),
    CorpusEntry(name: "regex", document: [
        "allOptions": .regex(pattern: "^a.*b$", options: "imsx"),
        "noOptions": .regex(pattern: "", options: ""),
        "escapes": .regex(pattern: #"a"b\d+/\\"#, options: "i"),
        "unicode": .regex(pattern: "é+😀", options: "u"),
    ]),
    CorpusEntry(name: "javascript", document: [
        "code": .javascript(#"function() { return "x\y"; }"#),
        "empty": .javascript(""),
        "withScope": .javascriptWithScope(
            code: "x + y", scope: ["x": .int64(1), "y": ["z": .int64(5_000_000_000), "w": [.int64(2)]]]),
        "emptyScope": .javascriptWithScope(code: "1", scope: [:]),
    ]),
    CorpusEntry(name: "deprecated types", document: [
        "symbol": .symbol("sym é"), "undefined": .undefined,
        "dbPointer": .dbPointer(ref: "db.collection", id: sampleID),
    ]),
    CorpusEntry(name: "timestamp", document: [
        "max": .timestamp(seconds: .max, increment: .max), "zero": .timestamp(seconds: 0, increment: 0),
        "typical": .timestamp(seconds: 1_769_544_000, increment: 7),
    ]),
    CorpusEntry(name: "keys and constants", document: [
        "minKey": .minKey, "maxKey": .maxKey, "null": .null, "true": .bool(true), "false": .bool(false),
    ]),
    CorpusEntry(name: "decimal128", document: [
        "money": decimal("100.50"), "nan": decimal("NaN"), "infinity": decimal("Infinity"),
        "negativeInfinity": decimal("-Infinity"), "negativeZero": decimal("-0"), "zeroSmallestExponent": decimal("0E-6176"),
        "largest": decimal("9.999999999999999999999999999999999E+6144"), "smallest": decimal("1E-6176"),
        "negative": decimal("-1.23E+10"),
    ]),
    CorpusEntry(name: "containers", document: [
        "emptyDocument": [:], "emptyArray": [], "nested": ["a": ["b": [1, [2, [3, [:], []]]]]],
        "arrayOfDocuments": [["x": 1], ["y": .int64(2)]],
        "mixedArray": [1, "two", 3.0, nil, true, .int64(4), .minKey, .datetime(-1)],
        "twelveItems": .array((0..<12).map { .int32($0) }),
    ]),
    CorpusEntry(name: "duplicate keys", document: BSONDocument([("a", 1), ("b", 2), ("a", 3), ("a", .null)])),
    CorpusEntry(name: "empty document", document: [:]),
    CorpusEntry(name: "deep nesting", document: ["root": nested(levels: 90, leaf: .int64(1))]),
]

// MARK: - Helpers

/// `levels` alternating documents and arrays around `leaf`.
private func nested(levels: Int, leaf: BSON) -> BSON {
    var value = leaf
    for level in 0..<levels {
        value = level.isMultiple(of: 2) ? .document(["k": value]) : .array([value])
    }
    return value
}

/// The deepest bracket nesting of a JSON text whose strings hold no brackets.
private func depth(of json: String) -> Int {
    var current = 0
    var deepest = 0
    for character in json {
        if character == "{" || character == "[" {
            current += 1
            deepest = max(deepest, current)
        } else if character == "}" || character == "]" {
            current -= 1
        }
    }
    return deepest
}

/// Swift -> bson_t -> Swift.
private func bsonRoundTrip(_ document: BSONDocument) throws -> BSONDocument {
    let pointer = try document.makeBSON()
    defer { bson_destroy(pointer) }
    return try BSONDocument(copying: pointer)
}

private func parse(_ json: String, _ name: String) throws -> BSONDocument {
    do {
        return try ExtendedJSON.parseDocument(json)
    } catch {
        XCTFail("case \(name): \(error) in \(json)")
        throw error
    }
}

/// What relaxed Extended JSON reads back as, by the spec: an int64 written as a plain number
/// that fits in 32 bits is read as an int32. Everything else is lossless.
private func relaxedReadBack(_ document: BSONDocument) -> BSONDocument {
    BSONDocument(document.elements.map { ($0.key, relaxedReadBack($0.value)) })
}

private func relaxedReadBack(_ value: BSON) -> BSON {
    switch value {
    case .int64(let number): Int32(exactly: number).map { .int32($0) } ?? value
    case .document(let document): .document(relaxedReadBack(document))
    case .array(let values): .array(values.map(relaxedReadBack))
    case .javascriptWithScope(let code, let scope): .javascriptWithScope(code: code, scope: relaxedReadBack(scope))
    default: value
    }
}

/// Stricter than ==: doubles compare by bit pattern (so -0.0 differs from 0.0; any NaN
/// matches any NaN), decimals by their 128 bits, keys in order.
private func identical(_ a: BSONDocument, _ b: BSONDocument) -> Bool {
    a.count == b.count && zip(a.elements, b.elements).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
}

private func identical(_ a: BSON, _ b: BSON) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)): (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
    case (.decimal128(let x), .decimal128(let y)): x.low == y.low && x.high == y.high
    case (.document(let x), .document(let y)): identical(x, y)
    case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    case (.javascriptWithScope(let c1, let s1), .javascriptWithScope(let c2, let s2)): c1 == c2 && identical(s1, s2)
    default: a == b
    }
}

/// Checks bit-level identity, and == as well.
private func assertIdentical(
    _ actual: BSONDocument, _ expected: BSONDocument, _ message: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertTrue(
        identical(actual, expected),
        "\(message)\n  actual:   \(actual.extendedJSON(.canonical))\n  expected: \(expected.extendedJSON(.canonical))",
        file: file, line: line)
    XCTAssertEqual(actual, expected, message, file: file, line: line)
}

private struct LibbsonFailure: Error, CustomStringConvertible {
    var description: String
}

private func canonicalJSON(_ pointer: OpaquePointer) throws -> String {
    guard let text = bson_as_canonical_extended_json(pointer, nil) else {
        throw LibbsonFailure(description: "bson_as_canonical_extended_json failed")
    }
    defer { bson_free(text) }
    return String(cString: text)
}

/// Libbson's canonical Extended JSON of the bson_t that makeBSON builds.
private func libbsonCanonical(_ document: BSONDocument) throws -> String {
    let pointer = try document.makeBSON()
    defer { bson_destroy(pointer) }
    return try canonicalJSON(pointer)
}

/// `json` read by libbson's bson_new_from_json and written again by libbson.
private func libbsonReparsedCanonical(_ json: String) throws -> String {
    let bytes = Array(json.utf8)
    var error = bson_error_t()
    guard let pointer = bson_new_from_json(bytes, bytes.count, &error) else {
        let message = withUnsafeBytes(of: error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        throw LibbsonFailure(description: "libbson could not read \(json): \(message)")
    }
    defer { bson_destroy(pointer) }
    return try canonicalJSON(pointer)
}
