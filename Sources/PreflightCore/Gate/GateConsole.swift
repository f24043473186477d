import Foundation

/// The gate on the console: each item as it ends, then the verdict with the blocking
/// reasons first, then what warns, then what the pending migrations fix.
public struct GateConsole: Sendable {
    public var verbose: Bool
    public var quiet: Bool
    /// ANSI colour for the marks and the verdict; the caller decides (a terminal, and no
    /// `NO_COLOR` or `--no-color`).
    public var color: Bool

    public init(verbose: Bool, quiet: Bool, color: Bool = false) {
        self.verbose = verbose
        self.quiet = quiet
        self.color = color
    }

    public func item(_ item: GateItem) {
        guard !quiet || item.blocks else { return }
        ConsoleReport.standardOutput(line(for: item))
        if verbose && !item.details.isEmpty {
            ConsoleReport.standardOutput(clean(item.details).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        }
    }

    /// The item's line as printed: its mark, section, name, and (failed, or `--verbose`)
    /// its reason.
    func line(for item: GateItem) -> String {
        var line = "\(item.section.rawValue) \(item.name)"
        // Redacted before it is cut: a cut through a key (`apiT|oken: "…"`) would hide it
        // from the redaction and leave its value.
        if item.outcome != .passed || verbose { line += ": " + (verbose ? item.reason : Self.clipped(Redaction.redactText(item.reason))) }
        if let fixedBy = item.fixedBy { line += " — fixed by " + fixedBy }
        return marked(GateResult.mark(item), line)
    }

    /// A long reason's head and tail: what is wrong comes first, and what the pending
    /// migrations make of it (`— the same after 0007 …`, `— whether 0007 would fix it …`)
    /// is appended last.
    static func clipped(_ reason: String, to limit: Int = 400) -> String {
        guard reason.count > limit else { return reason }
        let tail = limit * 2 / 5
        return String(reason.prefix(limit - tail - 3)) + " … " + String(reason.suffix(tail).drop { $0 == " " })
    }

    public func verdict(_ result: GateResult, changes: BaselineChanges?) {
        let verdict = (result.go ? ANSIStyle.boldGreen : .boldRed).paint(clean(result.verdictLine), when: color)
        // A blank line parts the verdict from the items above; with --quiet and nothing
        // blocking, none were printed.
        var lines = quiet && result.blocking.isEmpty ? [verdict] : ["", verdict]
        let head = lines.count
        if !result.reasons.isEmpty {
            // Each blocking item under the mark it had above (`?` for an unknown); a reason
            // that is no item's (the gate checked nothing that held) is a failure.
            let blocking = result.blocking.map { "  " + marked(GateResult.mark($0), $0.line) }
            lines += ["Blocking:"] + result.reasons.dropLast(blocking.count).map { "  " + marked("✗", $0) } + blocking
        }
        if !result.warnings.isEmpty { lines += ["Not blocking:"] + result.warnings.map { "  " + marked("⚠", $0.line) } }
        if !result.fixed.isEmpty { lines += ["Fixed by the pending migrations:"] + result.fixed.map { "  " + marked("↻", Redaction.redactText($0.fixedLine).clipped(to: 600)) } }
        if let changes, !changes.lines.isEmpty {
            lines += [clean("Since \(changes.baselineFile) (\(changes.baselineVerdict)):")] + changes.lines.map { "  " + clean($0) }
        }
        // Said again below what it stands over; with nothing between, once is enough.
        if lines.count > head { lines.append(verdict) }
        for line in lines { ConsoleReport.standardOutput(line) }
    }

    /// `text` as printed: redacted, control characters shown, never an escape of its own.
    private func clean(_ text: String) -> String {
        ConsoleReport.printable(Redaction.redactText(text))
    }

    /// `mark text`, the mark in its colour: passed green, blocking red, warning yellow,
    /// fixed by the migrations cyan.
    private func marked(_ mark: String, _ text: String) -> String {
        let style: ANSIStyle = switch mark {
        case "✓": .green
        case "⚠": .yellow
        case "↻": .cyan
        default: .red
        }
        return style.paint(mark, when: color) + " " + clean(text)
    }
}
