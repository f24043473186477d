import Foundation
import XCTest

@testable import PreflightCore

/// A program's output past the limit keeps its head and its tail, and says what it left out.
final class OutputCaptureTests: XCTestCase {
    private func capture(_ chunks: [String], limit: Int) -> (text: String, complete: Bool) {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        let output = OutputCapture(limit: limit)
        output.drain(ends[0])
        for chunk in chunks {
            // Each chunk read apart, so the limit is crossed inside one read, or at its edge.
            _ = chunk.utf8CString.withUnsafeBufferPointer { write(ends[1], $0.baseAddress, $0.count - 1) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        close(ends[1])
        XCTAssertTrue(output.waitForEnd(until: Date().addingTimeInterval(5)))
        return output.text
    }

    func testOutputWithinTheLimitIsKeptWhole() {
        let kept = capture(["0123456789", "abcdefghij"], limit: 20)
        XCTAssertEqual(kept.text, "0123456789abcdefghij")
        XCTAssertTrue(kept.complete)
    }

    func testOutputPastTheLimitKeepsItsFirstAndLastHalves() {
        let kept = capture(["0123456789", "abcdefghijKLMNO", "PQRSTUVWXYZ"], limit: 20)
        XCTAssertEqual(kept.text, "0123456789\n… 16 bytes omitted …\nQRSTUVWXYZ")
        XCTAssertFalse(kept.complete)
        let oneRead = capture(["0123456789abcdefghijKLMNOPQRSTUVWXYZ"], limit: 20)
        XCTAssertEqual(oneRead.text, "0123456789\n… 16 bytes omitted …\nQRSTUVWXYZ")
    }
}
