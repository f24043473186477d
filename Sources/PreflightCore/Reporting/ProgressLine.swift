import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The transient line at the foot of a terminal that says what is running now: drawn over
/// itself, and erased before anything else is written, on standard output or error (see
/// `StandardStream`). Only on a terminal that can take it; in a pipe or a file every
/// drawing would be a line of noise.
public final class ProgressLine: @unchecked Sendable {
    // @unchecked: the drawing state is static and guarded by `lock`; a `--jobs` run's
    // lanes, the signal thread and the main thread all write to the one terminal.
    private static let lock = NSLock()
    /// The line on the terminal now, to erase before other output.
    nonisolated(unsafe) private static var drawn: ProgressLine?
    /// Set once the process is on its way out (Ctrl-C): lanes still running draw no more.
    nonisolated(unsafe) private static var stopped = false

    /// Narrower than this, the shortest useful line would wrap, and a wrapped line cannot be
    /// erased: `\r` goes back to the start of its last row only.
    static let minimumColumns = 20

    public let enabled: Bool
    private let color: Bool
    private let columns: () -> Int
    private let write: (String) -> Void

    /// - Parameters:
    ///   - enabled: draw at all; `wanted(quiet:)` says whether the terminal can take it.
    ///   - color: dim the line (never with `NO_COLOR`).
    ///   - columns: the terminal's width, asked at each drawing (it may be resized).
    ///   - write: where drawings go, unprocessed: standard output by default. It is called
    ///     under the drawing lock, so it must not be `StandardStream.output` or `error`,
    ///     which take that lock to erase the line (`NSLock` does not nest).
    public init(
        enabled: Bool, color: Bool = false, columns: @escaping () -> Int = ProgressLine.terminalColumns,
        write: @escaping (String) -> Void = StandardStream.outputDrawing
    ) {
        self.enabled = enabled
        self.color = color
        self.columns = columns
        self.write = write
    }

    /// Whether a progress line belongs on standard output: a terminal that moves the
    /// cursor (`TERM` set, and not `dumb`, as in Emacs' shell), and not `--quiet`.
    public static func wanted(quiet: Bool) -> Bool {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return !quiet && isatty(STDOUT_FILENO) == 1 && !term.isEmpty && term != "dumb"
    }

    /// Draws `  … text` in place of the line drawn before.
    public func show(_ text: String) {
        guard enabled else { return }
        let width = columns()
        guard width >= Self.minimumColumns else { return }
        let line = Self.fitted("  … " + Self.oneLine(Redaction.redactText(text)), columns: width - 1)
        Self.lock.withLock {
            guard !Self.stopped else { return }
            write("\r\u{1B}[K" + ANSIStyle.dim.paint(line, when: color))
            Self.drawn = self
        }
    }

    /// Erases this line, if it is the one drawn.
    public func clear() {
        Self.lock.withLock {
            guard Self.drawn === self else { return }
            write("\r\u{1B}[K")
            Self.drawn = nil
        }
    }

    /// Erases whatever line is drawn, then runs `output`, with no drawing in between: so
    /// what is written starts on a clean row and stays there.
    static func clearDrawn(then output: () -> Void = {}) {
        lock.withLock {
            if let line = drawn {
                line.write("\r\u{1B}[K")
                drawn = nil
            }
            output()
        }
    }

    /// Erases the line and draws none from now on: the process is stopping.
    public static func stopDrawing() {
        clearDrawn { stopped = true }
    }

    /// `text` on one row: every control character, tab and line or paragraph separator a
    /// space, since each would move the cursor off the row the line is erased on.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let value = scalar.value
            let moves = value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            return moves ? " " : scalar
        }))
    }

    /// `text` cut to `columns` columns, ending in `…` when cut. Each character outside
    /// ASCII counts two: a wide one (CJK, emoji) takes two, and the process runs without
    /// a locale that could say which are narrow; cutting early is safe, wrapping is not.
    static func fitted(_ text: String, columns: Int) -> String {
        func width(_ character: Character) -> Int { character.isASCII ? 1 : 2 }
        guard text.reduce(0, { $0 + width($1) }) > columns else { return text }
        var kept = ""
        var used = 0
        for character in text {
            // Room for the `…` (counted two, as any character outside ASCII).
            guard used + width(character) <= columns - 2 else { break }
            kept.append(character)
            used += width(character)
        }
        return kept + "…"
    }

    /// The width of the terminal on standard output; 80 where it has none.
    public static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
