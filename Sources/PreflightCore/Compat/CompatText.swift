import Foundation
import Mongo

/// The wording shared by compat messages.
enum CompatText {
    /// `1 document`, `120 documents`.
    static func documents(_ count: Int) -> String {
        "\(count.grouped) document\(count == 1 ? "" : "s")"
    }

    /// `samples: o-7, o-9, l-3`: string `_id`s as they are, others in relaxed Extended JSON.
    static func samples(_ ids: [BSON]) -> String {
        ids.isEmpty ? "" : "; samples: " + ids.map(id).joined(separator: ", ")
    }

    static func id(_ value: BSON) -> String {
        // Redacted before clipping: a clipped secret would no longer be recognised.
        let value = Redaction.redact(value)
        if case .string(let text) = value { return text.clipped(to: 80) }
        return value.extendedJSON(.relaxed).clipped(to: 80)
    }

    /// `label:      value`, values aligned in a failure's body.
    static func line(_ label: String, _ value: String) -> String {
        (label + ":").padding(toLength: 12, withPad: " ", startingAt: 0) + value
    }

    /// `string ×2, int ×1`.
    static func breakdown(_ types: [(type: String, count: Int)]) -> String {
        types.map { "\($0.type) ×\($0.count.grouped)" }.joined(separator: ", ")
    }
}
