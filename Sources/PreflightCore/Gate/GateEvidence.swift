import Foundation
import Mongo

/// The gate's `--json` report: the evidence a release decision rests on — the server it
/// checked, each item's outcome, reason and figures, the verdict and its reasons, and
/// with `--baseline` what changed since an earlier gate. Format 1.
public struct GateEvidence: Sendable {
    public static let format = 1
    public var result: GateResult
    public var changes: BaselineChanges?

    public init(result: GateResult, changes: BaselineChanges?) {
        self.result = result
        self.changes = changes
    }

    public func json() -> String {
        let server: JSONValue = .object([
            ("version", .string(result.facts.version)), ("topology", .string(result.facts.topology.rawValue)),
            ("uri", .string(result.redactedURI)), ("database", .string(result.database)),
            ("against", .string(result.onScratch ? "scratch snapshot" : "live server")),
            ("privileges", .string(Redaction.redactText(result.privileges))),
        ])
        var members: [(key: String, value: JSONValue)] = [
            ("preflightGate", .integer(Self.format)),
            ("preflightVersion", .string(PreflightVersion.current)),
            ("checklist", .object([("name", .string(result.checklist.name)), ("file", .string(result.checklist.file))])),
            ("startedAt", .string(JUnitReport.timestamp(result.startedAt) + "Z")),
            ("duration", .number(JUnitReport.seconds(result.duration))),
            ("verdict", .string(result.go ? "GO" : "NO-GO")),
            ("checked", .bool(true)),
            ("verdictLine", .string(Redaction.redactText(result.verdictLine))),
            ("reasons", .array(result.reasons.map { .string(Redaction.redactText($0)) })),
            ("server", server),
            ("items", .array(result.items.map(Self.item))),
            ("notes", .array(result.notes.map { .string(Redaction.redactText($0)) })),
        ]
        if let changes { members.append(("sinceBaseline", changes.json)) }
        return JSONValue.object(members).text() + "\n"
    }

    /// The evidence of a gate that checked nothing (invalid input, no server, a usage
    /// error): NO-GO, with why, in the same format, so CI reading `verdict` never sees a
    /// report of another kind or the last run's.
    public static func notChecked(checklist: String, reasons: [String]) -> String {
        JSONValue.object([
            ("preflightGate", .integer(format)),
            ("preflightVersion", .string(PreflightVersion.current)),
            ("checklist", .object([("file", .string(checklist))])),
            ("verdict", .string("NO-GO")),
            ("checked", .bool(false)),
            ("reasons", .array(reasons.map { .string(Redaction.redactText($0)) })),
            ("items", .array([])),
        ]).text() + "\n"
    }

    public static func writeNotChecked(checklist: String, reasons: [String], to path: String) throws {
        do {
            try ReportFile.write(notChecked(checklist: checklist, reasons: reasons), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "JSON evidence", path: path, reason: error.reason)
        }
    }

    static func item(_ item: GateItem) -> JSONValue {
        .object([
            ("section", .string(item.section.rawValue)),
            ("name", .string(Redaction.redactText(item.name))),
            ("outcome", .string(item.outcome.rawValue)),
            ("blocks", .bool(item.blocks)),
            ("reason", .string(Redaction.redactText(item.reason))),
            ("fixedBy", .string(item.fixedBy.map(Redaction.redactText))),
            ("severity", .string(item.policy.warnOnly ? "warn" : "block")),
            ("onUnknown", .string(item.policy.unknownWarns ? "warn" : "block")),
            ("policyReason", .string(item.policy.reason.map(Redaction.redactText))),
            ("figures", .object(item.figures.map { ($0.name, .integer($0.value)) })),
            ("duration", .number(JUnitReport.seconds(item.duration))),
            ("details", .string(Redaction.redactText(item.details))),
        ])
    }

    public func write(to path: String) throws {
        do {
            try ReportFile.write(json(), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "JSON evidence", path: path, reason: error.reason)
        }
    }
}
