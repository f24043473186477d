import XCTest

@testable import Mongo

/// Decimal128 compares, hashes and orders by value, never through a binary double.
final class Decimal128Tests: XCTestCase {

    private func d(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Decimal128 {
        guard let value = Decimal128(text) else {
            XCTFail("libbson did not parse \(text)", file: file, line: line)
            return Decimal128(low: 0, high: 0)
        }
        return value
    }

    func testEqualValuesWithDifferentSpellingsAreEqual() {
        let groups: [[String]] = [
            ["100.50", "100.5", "100.500000", "1.005E+2", "10050E-2"],
            ["1E+2", "100", "100.0", "0.1E+3"],
            ["0", "-0", "0E+10", "0.000", "-0E-6176", "0E-6176"],
            ["NaN", "-NaN"],
            ["Infinity", "+Infinity"],
            ["-1", "-1.000"],
        ]
        for group in groups {
            for a in group {
                for b in group {
                    XCTAssertEqual(d(a), d(b), "\(a) == \(b)")
                }
            }
        }
    }

    func testEqualValuesHaveDifferentBitsSoEqualityReallyNormalizes() {
        // Guards the test above: it would be vacuous if libbson stored both spellings alike.
        XCTAssertNotEqual(d("100.50").low, d("100.5").low)
        XCTAssertNotEqual(d("0").high, d("-0").high)
    }

    func testDifferentValuesAreNotEqual() {
        let pairs: [(String, String)] = [
            ("Infinity", "-Infinity"), ("100.50", "100.51"), ("1", "-1"), ("NaN", "0"), ("NaN", "Infinity"),
            ("1E-6176", "0"), ("9.999999999999999999999999999999999E+6144", "Infinity"), ("0.1", "0.10000000000000001"),
        ]
        for (a, b) in pairs {
            XCTAssertNotEqual(d(a), d(b), "\(a) != \(b)")
            XCTAssertNotEqual(d(b), d(a), "\(b) != \(a)")
        }
    }

    func testEqualValuesHashAlikeAndCollapseInASet() {
        let spellings = ["100.50", "100.5", "1.005E+2", "0", "-0", "0E+10", "NaN", "NaN", "1E+2", "100", "-Infinity"]
        for (a, b) in [("100.50", "100.5"), ("0", "-0"), ("0", "0E+10"), ("1E+2", "100"), ("NaN", "-NaN")] {
            XCTAssertEqual(d(a).hashValue, d(b).hashValue, "hash(\(a)) == hash(\(b))")
        }
        let set = Set(spellings.map { d($0) })
        XCTAssertEqual(set.count, 5, "\(set)")  // 100.5, 0, NaN, 100, -Infinity
        XCTAssertTrue(set.contains(d("100.500")))
        XCTAssertTrue(set.contains(d("-0E-3")))
        XCTAssertTrue(set.contains(d("NaN")))
        XCTAssertFalse(set.contains(d("Infinity")))
    }

    func testOrderingByValue() {
        let ascending = [
            "-Infinity", "-1", "-0.5", "0", "1E-6176", "0.1", "1", "1.5", "10",
            "9.999999999999999999999999999999999E+6144", "Infinity",
        ].map { d($0) }
        for i in ascending.indices {
            for j in ascending.indices {
                XCTAssertEqual(ascending[i] < ascending[j], i < j, "\(ascending[i]) < \(ascending[j])")
            }
        }
        XCTAssertEqual(ascending.shuffled().sorted(), ascending)
    }

    func testOrderingAcrossSpellingsAndExponents() {
        XCTAssertFalse(d("100.50") < d("100.5"))
        XCTAssertFalse(d("100.5") < d("100.50"))
        XCTAssertTrue(d("100.49") < d("100.5"))
        XCTAssertTrue(d("1E+2") < d("101"))
        XCTAssertTrue(d("99.99") < d("1E+2"))
        XCTAssertFalse(d("-0") < d("0"))
        XCTAssertFalse(d("0") < d("-0"))
        XCTAssertTrue(d("-100") < d("-99.9"))
        XCTAssertTrue(d("-1E+10") < d("-1E+9"))
        XCTAssertTrue(d("1E-10") < d("2E-10"))
        XCTAssertTrue(d("1234567890123456789012345678901234") < d("1.234567890123456789012345678901235E+33"))
    }

    func testNaNIsUnordered() {
        let nan = d("NaN")
        for text in ["-Infinity", "-1", "0", "1", "Infinity", "NaN"] {
            let other = d(text)
            XCTAssertFalse(nan < other, "NaN < \(text)")
            XCTAssertFalse(other < nan, "\(text) < NaN")
            XCTAssertFalse(nan > other, "NaN > \(text)")
        }
    }

    func testDescriptionKeepsTheSpellingLibbsonStores() {
        let cases: [(String, String)] = [
            ("100.50", "100.50"), ("100.5", "100.5"), ("1E+2", "1E+2"), ("-0", "-0"), ("0E-6176", "0E-6176"),
            ("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1E-6176", "1E-6176"),
            ("9.999999999999999999999999999999999E+6144", "9.999999999999999999999999999999999E+6144"),
            ("0.001", "0.001"), ("-12345.6789", "-12345.6789"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(d(input).description, expected, input)
            // The description is a spelling libbson reads back to the very same bits.
            let again = d(d(input).description)
            XCTAssertEqual(again.low, d(input).low, input)
            XCTAssertEqual(again.high, d(input).high, input)
        }
    }

    func testGarbageIsRejected() {
        for text in ["abc", "1.2.3", "", " 1", "1 ", "1,5", "--1", "1E", "0x10", "banana", "NaNa", "1E+6145"] {
            XCTAssertNil(Decimal128(text), text.debugDescription)
        }
    }

    func testNaNIsAcceptedOnlyWhenAskedFor() {
        XCTAssertEqual(Decimal128("NaN")?.isNaN, true)
        XCTAssertEqual(Decimal128("-NaN")?.isNaN, true)
        XCTAssertEqual(Decimal128("1")?.isNaN, false)
        XCTAssertEqual(Decimal128("Infinity")?.isNaN, false)
    }

    func testBSONDecimalNeverEqualsADoubleOrIntegerOfTheSameValue() {
        XCTAssertNotEqual(BSON.decimal128(d("100.50")), BSON.double(100.5))
        XCTAssertNotEqual(BSON.decimal128(d("1")), BSON.int32(1))
        XCTAssertNotEqual(BSON.decimal128(d("1")), BSON.int64(1))
        XCTAssertEqual(BSON.decimal128(d("100.50")), BSON.decimal128(d("100.5")))
        XCTAssertNotEqual(BSON.int32(1), BSON.int64(1))
        XCTAssertNotEqual(BSON.int32(1), BSON.double(1))
    }
}
