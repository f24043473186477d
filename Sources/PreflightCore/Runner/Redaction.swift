import Mongo

/// Keeps credentials out of every output (DESIGN §10): values of keys that name a secret,
/// and passwords in connection strings.
public enum Redaction {
    static let placeholder = "<redacted>"

    /// True for keys like `password`, `pwd`, `apiSecret`, `accessToken`.
    public static func isSensitive(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "passwd", "pwd", "secret", "token"].contains { lowered.contains($0) }
    }

    /// `value` with the value of every sensitive key, at any depth, replaced.
    public static func redact(_ value: BSON) -> BSON {
        switch value {
        case .document(let document):
            var out = BSONDocument()
            for (key, element) in document {
                out.append(key, isSensitive(key) ? .string(placeholder) : redact(element))
            }
            return .document(out)
        case .array(let elements):
            return .array(elements.map(redact))
        default:
            return value
        }
    }

    /// Free text: any connection string in it loses its password.
    public static func redactText(_ text: String) -> String {
        guard text.contains("mongodb") else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.contains("mongodb://") || word.contains("mongodb+srv://") ? URIRedaction.redact(String(word)) : String(word)
        }.joined(separator: " ")
    }
}
