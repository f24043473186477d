import Mongo

/// Keeps credentials out of every output (the README, “Running (redaction)”): values of keys that name a secret,
/// passwords in connection strings, and every value known to be secret wherever it has
/// travelled since (see `SecretValues` and `Redaction+Learning.swift`).
public enum Redaction {
    static let placeholder = SecretValues.placeholder

    /// True for keys like `password`, `pwd`, `apiSecret`, `accessToken`.
    public static func isSensitive(_ key: String) -> Bool {
        SensitiveWords.appear(in: key)
    }

    /// `value` with the value of every sensitive key, at any depth, replaced, and every
    /// known secret masked wherever it stands (under another key, in an array, in a key).
    /// The values under sensitive keys are learnt first, so the next mention of one,
    /// however it is keyed, is masked too.
    public static func redact(_ value: BSON) -> BSON {
        learn(value)
        return masked(value, SecretValues.shared)
    }

    private static func masked(_ value: BSON, _ secrets: SecretValues) -> BSON {
        switch value {
        case .document(let document):
            var out = BSONDocument()
            for (key, element) in document {
                out.append(secrets.maskValue(key), isSensitive(key) ? .string(placeholder) : masked(element, secrets))
            }
            return .document(out)
        case .array(let elements):
            return .array(elements.map { masked($0, secrets) })
        case .string(let text):
            return .string(secrets.maskValue(text))
        case .symbol(let text):
            return .symbol(secrets.maskValue(text))
        case .javascript(let code):
            return .javascript(secrets.mask(code))
        default:
            return value
        }
    }

    /// Why a name (a scenario's, a test's, a migration's, a compat spec's, a checklist's)
    /// may not be used as written: a name is printed as it is in every report, the console,
    /// `--list` and the `FILE::name` that selects a test, so a connection string with a
    /// password in it cannot be masked in all of them. Refused at load, not rewritten; nil
    /// for a name that holds none. Only connection strings are looked for: a name may well
    /// say `password: empty is refused`, and secrets learnt from other files must not make
    /// a name valid or not by the order files are read in.
    /// - Parameter what: what the text is, for the message: `a name`, `a tag`.
    private static func problem(inName name: String, as what: String) -> String? {
        guard name.contains("mongodb") else { return nil }
        let redacted = redactConnectionStrings(in: name)
        guard redacted != name else { return nil }
        return "\(what) is printed in every report and must not hold a password: it reads \"\(redacted)\" with it masked; write it without one"
    }

    /// Reports `text` where it is written when it holds a password (see `problem(inName:)`):
    /// names, and the labels, tags and rule names that reports print as written too.
    /// The path is made only for a message: a step's label is checked for every step.
    static func checkPrinted(_ text: String?, as what: String = "a name", at path: @autoclosure () -> JSONPath, _ diagnostics: Diagnostics) {
        if let text, let problem = problem(inName: text, as: what) { diagnostics.error(path(), problem) }
    }

    /// Free text, such as a failure message: any connection string loses its password,
    /// in JSON written into the text (`"password":"hunter2"`) a sensitive key's value is
    /// replaced — messages quote documents, and documents may hold secrets — and every
    /// known secret value is masked.
    public static func redactText(_ text: String) -> String {
        var out = text
        if out.contains("mongodb") { out = redactConnectionStrings(in: out) }
        if SensitiveWords.appear(in: out) {
            out = out.replacing(sensitiveJSONMember) { match in
                "\(match.output.1)\"\(placeholder)\""
            }
        }
        return SecretValues.shared.mask(out)
    }

    /// Every connection string in `text`, wherever it stands: in a sentence, or several
    /// inside one word of compact JSON (`{"uri":"mongodb://a:s3cret@h","b":"mongodb://…"}`).
    /// Each runs to the next white space or quote.
    static func redactConnectionStrings(in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "mongodb://") ?? rest.range(of: "mongodb+srv://") {
            // The earlier of the two schemes comes first.
            let begin = [rest.range(of: "mongodb://"), rest.range(of: "mongodb+srv://")].compactMap { $0?.lowerBound }.min() ?? start.lowerBound
            out += rest[..<begin]
            let tail = rest[begin...]
            let end = tail.firstIndex { $0.isWhitespace || "\"'<>`".contains($0) } ?? tail.endIndex
            out += URIRedaction.redact(String(tail[..<end]))
            rest = tail[end...]
        }
        return out + rest
    }

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
