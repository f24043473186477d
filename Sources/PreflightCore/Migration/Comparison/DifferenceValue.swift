import Foundation
import Mongo

/// Values in difference listings, with their BSON type, since a migration that turns
/// `"2026-01"` into a date or an int into a long changes the type as much as the value.
enum DifferenceValue {
    /// `"2026-01" (string)`, `2026-01-01T00:00:00Z (date)`, `17 (long)`, `null`.
    static func describe(_ value: BSON) -> String {
        let value = Redaction.redact(value)
        switch value {
        case .null: return "null"
        case .string(let text): return BSON.string(text).extendedJSON(.relaxed).clipped(to: 120) + " (string)"
        case .datetime(let milliseconds): return date(milliseconds) + " (date)"
        case .document: return value.extendedJSON(.relaxed).clipped(to: 120) + " (document)"
        default: return value.extendedJSON(.relaxed).clipped(to: 120) + " (\(value.typeAlias))"
        }
    }

    /// An `_id` as a listing names a document: a string as it is, anything else as Extended JSON.
    static func identifier(_ id: BSON) -> String {
        if case .string(let text) = id { return text.clipped(to: 120) }
        return id.extendedJSON(.relaxed).clipped(to: 120)
    }

    /// ISO 8601 in UTC, with milliseconds only when there are some.
    static func date(_ milliseconds: Int64) -> String {
        let seconds = Double(milliseconds) / 1000
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = milliseconds % 1000 == 0 ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
