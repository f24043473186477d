import Mongo

/// Keeps credentials out of every output (DESIGN §10): values of keys that name a secret,
/// and passwords in connection strings.
public enum Redaction {
    static let placeholder = "<redacted>"

    /// True for keys like `password`, `pwd`, `apiSecret`, `accessToken`.
    public static func isSensitive(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return sensitiveWords.contains { lowered.contains($0) }
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

    /// Free text, such as a failure message: any connection string loses its password,
    /// and in JSON written into the text (`"password":"hunter2"`) a sensitive key's value
    /// is replaced — messages quote documents, and documents may hold secrets.
    public static func redactText(_ text: String) -> String {
        var out = text
        if out.contains("mongodb") {
            out = out.split(separator: " ", omittingEmptySubsequences: false).map { word in
                word.contains("mongodb://") || word.contains("mongodb+srv://") ? URIRedaction.redact(String(word)) : String(word)
            }.joined(separator: " ")
        }
        guard sensitiveWords.contains(where: { out.lowercased().contains($0) }) else { return out }
        return out.replacing(sensitiveJSONMember) { match in
            "\(match.output.1)\"\(placeholder)\""
        }
    }

    private static let sensitiveWords = ["password", "passwd", "pwd", "secret", "token"]

    /// `"…password…": value` as JSON writes it, or `{ apiToken: "…" }` as the server's own
    /// messages do (`dup key: { apiToken: "…" }`; a bare key only after `{` or `,`, so a
    /// path such as `result.password: expected …` in Preflight's own messages is left), where the value is a string, a number,
    /// true/false/null, a flat object or array, or a bare word; the key part is kept.
    nonisolated(unsafe) private static let sensitiveJSONMember =
        /((?:"[^"]*(?i:password|passwd|pwd|secret|token)[^"]*"|[{,]\s*(?:[A-Za-z_][\w.]*)?(?i:password|passwd|pwd|secret|token)\w*)\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{[^{}]*\}|\[[^\[\]]*\]|[^\s,}\]]+)/

    /// True when a mismatch path such as `user.password` or `tokens[0]` ends in a secret.
    public static func isSensitivePath(_ path: String) -> Bool {
        path.split(whereSeparator: { $0 == "." || $0 == "[" || $0 == "]" }).contains { isSensitive(String($0)) }
    }
}
