import Foundation

/// The gate's `--summary`: Markdown for a CI step summary, the verdict first, then what
/// blocks, what warns, what the pending migrations fix, and a row per section.
public struct GateSummary: Sendable {
    public var result: GateResult
    public var changes: BaselineChanges?

    public init(result: GateResult, changes: BaselineChanges?) {
        self.result = result
        self.changes = changes
    }

    public func markdown() -> String {
        func inline(_ text: String) -> String { MarkdownSummary.inline(Redaction.redactText(text), limit: 500) }
        var lines = ["## \(result.go ? "GO" : "NO-GO") — \(inline(result.checklist.name))", "", inline(result.verdictLine), ""]
        if !result.reasons.isEmpty {
            lines += ["### Blocking", ""] + result.reasons.map { "- " + inline($0) } + [""]
        }
        if !result.warnings.isEmpty {
            lines += ["### Warnings and unknowns that do not block", ""] + result.warnings.map { "- " + inline($0.line) } + [""]
        }
        if !result.fixed.isEmpty {
            lines += ["### Fixed by the pending migrations", ""] + result.fixed.map { "- " + inline($0.fixedLine) } + [""]
        }
        if let changes, !changes.lines.isEmpty {
            lines += ["### Since \(inline(changes.baselineFile)) (\(changes.baselineVerdict))", ""] + changes.lines.map { "- " + inline($0) } + [""]
        }
        lines += ["| section | passed | failed | unknown | fixed | blocking |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for section in GateItem.Section.allCases {
            let items = result.items(in: section)
            guard !items.isEmpty else { continue }
            let count = { (keep: (GateItem) -> Bool) in String(items.filter(keep).count) }
            lines.append("| \(section.rawValue) | \(count { $0.outcome == .passed }) | \(count { $0.outcome == .failed }) | "
                + "\(count { $0.outcome == .unknown }) | \(count { $0.fixedBy != nil }) | \(count(\.blocks)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary of a gate that checked nothing.
    public static func notChecked(checklist: String, reasons: [String]) -> String {
        (["## NO-GO — nothing was checked", "", MarkdownSummary.inline(checklist, limit: 300), ""]
            + reasons.map { "- " + MarkdownSummary.inline(Redaction.redactText($0), limit: 500) }).joined(separator: "\n") + "\n"
    }

    public static func writeNotChecked(checklist: String, reasons: [String], to path: String) throws {
        do {
            try ReportFile.write(notChecked(checklist: checklist, reasons: reasons), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "Markdown summary", path: path, reason: error.reason)
        }
    }

    public func write(to path: String) throws {
        do {
            try ReportFile.write(markdown(), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "Markdown summary", path: path, reason: error.reason)
        }
    }
}
