import Foundation
import Mongo

/// `"allowEmpty": "why"`: the one way to say that reading nothing is fine. Preflight fails a
/// compat scope or a live file's collection that holds no document, since every check
/// over nothing passes; the reason is what a reviewer reads instead of a silent pass.
enum AllowEmpty {
    /// The reason written, or nil when the key is absent; `true`, an empty string or any
    /// other value is reported at `path`.
    static func reason(_ value: BSON?, at path: JSONPath, _ diagnostics: Diagnostics) -> String? {
        guard let value else { return nil }
        if let text = value.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty { return text }
        if value.boolValue != nil {
            diagnostics.error(path, "expected the reason it may be empty, as a string (\"allowEmpty\": \"no orders before launch\"), got \(Diagnostics.describe(value)): a reviewer must be able to read why nothing checked is fine")
        } else {
            diagnostics.error(path, "expected the reason it may be empty, as a non-empty string, got \(Diagnostics.describe(value))")
        }
        return nil
    }
}
