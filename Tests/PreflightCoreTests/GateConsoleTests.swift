import XCTest

@testable import PreflightCore

/// A gate item's console line: a long reason keeps its head and its end, and a secret in
/// it is masked wherever the cut falls, even through its key.
final class GateConsoleTests: XCTestCase {
    func testALongReasonIsCutAfterItIsRedacted() {
        let console = GateConsole(verbose: false, quiet: false)
        for padding in 0..<100 {
            let reason = String(repeating: "a", count: 380) + #" dup key: { "apiToken": "tok_live_9f8e7d6c5b4a3" }"#
                + String(repeating: " b", count: padding)
            let item = GateItem(section: .migrations, name: "0001 up succeeds", outcome: .failed, reason: reason)
            let line = console.line(for: item)
            XCTAssertFalse(line.contains("9f8e7d6c"), "padding \(padding): \(line)")
            XCTAssertTrue(line.hasPrefix("✗ migrations 0001 up succeeds: aaa"), line)
            XCTAssertTrue(line.contains(" … "), line)
        }
    }
}
