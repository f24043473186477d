import Foundation

/// The gate on the console: each item as it ends, then the verdict with the blocking
/// reasons first, then what warns, then what the pending migrations fix.
public struct GateConsole: Sendable {
    public var verbose: Bool
    public var quiet: Bool

    public init(verbose: Bool, quiet: Bool) {
        self.verbose = verbose
        self.quiet = quiet
    }

    public func item(_ item: GateItem) {
        guard !quiet || item.blocks else { return }
        var line = "\(GateResult.mark(item)) \(item.section.rawValue) \(item.name)"
        if item.outcome != .passed || verbose { line += ": " + (verbose ? item.reason : Self.clipped(item.reason)) }
        if let fixedBy = item.fixedBy { line += " — fixed by " + fixedBy }
        ConsoleReport.standardOutput(ConsoleReport.printable(Redaction.redactText(line)))
        if verbose && !item.details.isEmpty {
            ConsoleReport.standardOutput(ConsoleReport.printable(Redaction.redactText(item.details)).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        }
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
        var lines = ["", result.verdictLine]
        if !result.reasons.isEmpty {
            // Each blocking item under the mark it had above (`?` for an unknown); a reason
            // that is no item's (the gate checked nothing that held) is a failure.
            let blocking = result.blocking.map { "  \(GateResult.mark($0)) " + $0.line }
            lines += ["Blocking:"] + result.reasons.dropLast(blocking.count).map { "  ✗ " + $0 } + blocking
        }
        if !result.warnings.isEmpty { lines += ["Not blocking:"] + result.warnings.map { "  ⚠ " + $0.line } }
        if !result.fixed.isEmpty { lines += ["Fixed by the pending migrations:"] + result.fixed.map { "  ↻ " + $0.fixedLine.clipped(to: 600) } }
        if let changes, !changes.lines.isEmpty {
            lines += ["Since \(changes.baselineFile) (\(changes.baselineVerdict)):"] + changes.lines.map { "  " + $0 }
        }
        lines.append(result.verdictLine)
        for line in lines { ConsoleReport.standardOutput(ConsoleReport.printable(Redaction.redactText(line))) }
    }
}
