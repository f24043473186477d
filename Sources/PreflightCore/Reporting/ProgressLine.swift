import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The transient line at the foot of a terminal that says what is running now: drawn over
/// itself, and erased before the next line that stays. Only on a terminal; in a CI log
/// every drawing would be a line of noise.
public final class ProgressLine: @unchecked Sendable {
    // @unchecked: `shown` is only touched under `lock`; lanes of a `--jobs` run may draw.
    public let enabled: Bool
    private let color: Bool
    private let lock = NSLock()
    private var shown = false

    /// - Parameters:
    ///   - enabled: draw at all; the caller decides (a terminal, and not `--quiet`).
    ///   - color: dim the line (never with `NO_COLOR`).
    public init(enabled: Bool, color: Bool = false) {
        self.enabled = enabled
        self.color = color
    }

    /// Draws `  … text` in place of the line drawn before.
    public func show(_ text: String) {
        guard enabled else { return }
        // Clipped to the terminal's width: `\r` goes back to the start of the last row only,
        // so a line that wrapped would leave its first rows behind at every redraw.
        let line = ("  … " + ConsoleReport.printable(Redaction.redactText(text))).clipped(to: max(Self.columns - 1, 10))
        lock.withLock {
            StandardStream.output("\r\u{1B}[K" + (color ? "\u{1B}[2m\(line)\u{1B}[0m" : line))
            shown = true
        }
    }

    /// Erases the line, if one is drawn, so the next output starts on a clean row.
    public func clear() {
        guard enabled else { return }
        lock.withLock {
            guard shown else { return }
            StandardStream.output("\r\u{1B}[K")
            shown = false
        }
    }

    /// The terminal's width in columns; 80 where standard output has none.
    static var columns: Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
