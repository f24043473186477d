import Foundation
import Mongo

/// What changed since an earlier gate's evidence (`--baseline PREVIOUS.json`): items that
/// now block and did not, items that no longer block, and figures that moved.
public struct BaselineChanges: Sendable {
    public var baselineFile: String
    public var baselineVerdict: String
    public var newlyFailing: [String] = []
    public var newlyPassing: [String] = []
    /// `compat: …/orders-0.7.json documents: 5,120 → 5,412`.
    public var moved: [(item: String, figure: String, before: Int, after: Int)] = []
    /// In the baseline, not checked now.
    public var gone: [String] = []

    /// Why a baseline could not be read: said, and the gate goes on without it.
    public struct Unreadable: Error, LocalizedError {
        public var errorDescription: String?
    }

    /// Compares `result` with the evidence at `path`.
    /// - Throws: `Unreadable` when the file is missing or not a gate's evidence.
    public init(comparing result: GateResult, with path: String) throws {
        let document: BSONDocument
        do {
            let bytes = try InputText.readBytes(path)
            document = try ExtendedJSON.parseDocument(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw Unreadable(errorDescription: "--baseline \(path) cannot be read: \(error)")
        }
        guard document["preflightGate"] != nil, let items = document["items"]?.arrayValue else {
            throw Unreadable(errorDescription: "--baseline \(path) is not a gate's JSON evidence (preflight gate --json writes one)")
        }
        baselineFile = path
        baselineVerdict = document["verdict"]?.stringValue ?? "?"
        var before: [String: BSONDocument] = [:]
        for value in items {
            guard let item = value.documentValue, let section = item["section"]?.stringValue, let name = item["name"]?.stringValue else { continue }
            before[section + ": " + name] = item
        }
        for item in result.items {
            let old = before.removeValue(forKey: item.id)
            let blockedBefore = old?["blocks"]?.boolValue ?? false
            if item.blocks && !blockedBefore { newlyFailing.append(item.line) }
            if !item.blocks && blockedBefore { newlyPassing.append("\(item.section.rawValue) \(item.name)") }
            let oldFigures = old?["figures"]?.documentValue ?? [:]
            for figure in item.figures {
                guard let was = oldFigures[figure.name]?.integerValue, Int(was) != figure.value else { continue }
                moved.append(("\(item.section.rawValue) \(item.name)", figure.name, Int(was), figure.value))
            }
        }
        gone = before.keys.sorted()
    }

    /// One line each, for the console and the summary.
    public var lines: [String] {
        newlyFailing.map { "newly blocking: \($0)" } + newlyPassing.map { "no longer blocking: \($0)" }
            + moved.map { "\($0.item): \($0.figure) \($0.before.grouped) → \($0.after.grouped)" } + gone.map { "no longer checked: \($0)" }
    }

    var json: JSONValue {
        .object([
            ("baseline", .string(baselineFile)), ("baselineVerdict", .string(baselineVerdict)),
            ("newlyBlocking", .array(newlyFailing.map { .string(Redaction.redactText($0)) })),
            ("noLongerBlocking", .array(newlyPassing.map { .string(Redaction.redactText($0)) })),
            ("figuresMoved", .array(moved.map { .object([("item", .string(Redaction.redactText($0.item))), ("figure", .string(Redaction.redactText($0.figure))),
                                                            ("before", .integer($0.before)), ("after", .integer($0.after))]) })),
            ("noLongerChecked", .array(gone.map { .string(Redaction.redactText($0)) })),
        ])
    }
}
