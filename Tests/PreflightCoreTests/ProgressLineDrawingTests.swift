import XCTest

@testable import PreflightCore

/// What the progress line draws, written to a list instead of a terminal: one row, never
/// wider than the terminal, redacted, and erased by whatever is written next.
final class ProgressLineDrawingTests: XCTestCase {
    private final class Screen: @unchecked Sendable {
        var writes: [String] = []
    }

    private func line(columns: Int, _ screen: Screen) -> ProgressLine {
        ProgressLine(enabled: true, columns: { columns }, write: { screen.writes.append($0) })
    }

    /// The columns `text` takes as `fitted` counts them: two for anything outside ASCII.
    private func width(_ text: String) -> Int {
        text.reduce(0) { $0 + ($1.isASCII ? 1 : 2) }
    }

    func testADrawingIsOneRowNoWiderThanTheTerminal() {
        let screen = Screen()
        let progress = line(columns: 30, screen)
        for name in ["first line\nsecond line", "tabs\t\t\t\t\t\there", "注文が配達済みになる注文が配達済みになる", "a\u{2028}b\u{85}c\u{1B}[31m red", "short"] {
            progress.show(name)
            let drawn = screen.writes.last ?? ""
            XCTAssertTrue(drawn.hasPrefix("\r\u{1B}[K  … "), drawn)
            let text = String(drawn.dropFirst(4))
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" }, "\(text.debugDescription)")
            XCTAssertLessThanOrEqual(width(text), 29, text)
        }
        XCTAssertEqual(screen.writes.last, "\r\u{1B}[K  … short")
        XCTAssertEqual(screen.writes[0], "\r\u{1B}[K  … first line second line")
        progress.clear()
    }

    func testALongLineIsCutWithAnEllipsisAndANarrowTerminalGetsNone() {
        XCTAssertEqual(ProgressLine.fitted("abcdefghij", columns: 10), "abcdefghij")
        XCTAssertEqual(ProgressLine.fitted("abcdefghijk", columns: 10), "abcdefgh…")
        XCTAssertEqual(ProgressLine.fitted("注文が配達", columns: 9), "注文が…")
        let screen = Screen()
        line(columns: ProgressLine.minimumColumns - 1, screen).show("anything")
        XCTAssertEqual(screen.writes, [], "a line that must wrap is not drawn")
    }

    func testASecretIsMaskedOnTheLine() {
        let screen = Screen()
        let progress = line(columns: 200, screen)
        progress.show("reads mongodb://app:S3cretPassw0rd@db.example.com/shop")
        XCTAssertEqual(screen.writes, ["\r\u{1B}[K  … reads mongodb://app:***@db.example.com/shop"])
        progress.clear()
    }

    /// Whatever else is written erases the line first; clearing twice erases once.
    func testOtherOutputErasesTheLine() {
        let screen = Screen()
        let progress = line(columns: 80, screen)
        progress.show("a test")
        ProgressLine.clearDrawn()
        progress.clear()
        XCTAssertEqual(screen.writes, ["\r\u{1B}[K  … a test", "\r\u{1B}[K"])
    }
}
