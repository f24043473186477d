import XCTest

@testable import PreflightCore

/// Durations in reports: fixed decimals, a point, never an exponent (junit-10.xsd).
final class FixedPointTests: XCTestCase {
    func testDecimalsArePaddedAndRounded() {
        XCTAssertEqual(FixedPoint.text(1.5, places: 3), "1.500")
        XCTAssertEqual(FixedPoint.text(0, places: 3), "0.000")
        XCTAssertEqual(FixedPoint.text(12.345678, places: 2), "12.35")
        XCTAssertEqual(FixedPoint.text(0.0405, places: 1), "0.0")
        XCTAssertEqual(FixedPoint.text(2.05, places: 3), "2.050")
        XCTAssertEqual(FixedPoint.text(123.4, places: 0), "123")
        XCTAssertEqual(FixedPoint.text(1234.5678, places: 1), "1234.6")
    }

    func testTinyAndNegativeValuesHaveNoExponentAndNoNegativeZero() {
        XCTAssertEqual(FixedPoint.text(5e-06, places: 3), "0.000")
        XCTAssertEqual(FixedPoint.text(-0.0004, places: 3), "0.000")
        XCTAssertEqual(FixedPoint.text(-1.25, places: 1), "-1.3")
    }

    /// Read back, each text is the value to within half of its last decimal (printf may
    /// round an exact tie in binary the other way; a duration does not care).
    func testEveryTextIsTheValueToWithinHalfItsLastDecimal() throws {
        for value in stride(from: 0.0, to: 3.0, by: 0.0137) {
            let text = FixedPoint.text(value, places: 3)
            XCTAssertEqual(text.split(separator: ".").last?.count, 3, text)
            XCTAssertLessThanOrEqual(abs(try XCTUnwrap(Double(text)) - value), 0.0005 + 1e-9, "\(value) → \(text)")
        }
    }
}
