import XCTest

@testable import Mongo

/// Names and stored strings are told apart by their bytes, as MongoDB tells them apart.
final class StringSameBytesTests: XCTestCase {
    func testOnlyTheSameBytesAreTheSame() {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        XCTAssertEqual(composed, decomposed, "Swift finds them equal as text")
        XCTAssertFalse(composed.hasSameBytes(as: decomposed))
        XCTAssertFalse("orders".hasSameBytes(as: "Orders"), "same length, other bytes")
        XCTAssertFalse("orders".hasSameBytes(as: "orders2"))
        XCTAssertTrue("".hasSameBytes(as: ""))
        XCTAssertFalse("".hasSameBytes(as: "a"))
        // Longer than a string stored inline (15 bytes), and built at run time.
        let long = String(repeating: "délivrée-", count: 8)
        XCTAssertTrue(long.hasSameBytes(as: String(repeating: "délivrée-", count: 8)))
        XCTAssertFalse(long.hasSameBytes(as: String(repeating: "délivrée-", count: 7) + "délivrée+"))
        XCTAssertTrue(composed.hasSameBytes(as: String(decoding: [0x63, 0x61, 0x66, 0xC3, 0xA9], as: UTF8.self)))
    }
}
