import Mongo

extension Redaction {
    /// Remembers as secret (in `SecretValues.shared`) every string under a sensitive key
    /// in `value`, at any depth, and the literals an expression compares with a sensitive
    /// field: `"hunter2"` in `{"$eq": ["$password", "hunter2"]}`.
    ///
    /// Only strings: a number under `tokenCount` is not a credential, and masking `3`
    /// wherever it appears would hide every count in a report.
    /// - Parameter secret: whether `value` as a whole is secret (it sits under a sensitive
    ///   key or variable name, or was saved from a sensitive path).
    public static func learn(_ value: BSON, secret: Bool = false) {
        switch value {
        case .document(let document):
            for (key, element) in document { learn(element, secret: secret || isSensitive(key)) }
        case .array(let elements):
            if !secret, elements.contains(where: isSensitiveFieldReference) {
                for element in elements where !isSensitiveFieldReference(element) { learnLiterals(element) }
            }
            for element in elements { learn(element, secret: secret) }
        case .string(let text) where secret:
            SecretValues.shared.add(text)
        default:
            break
        }
    }

    /// `"$password"`, `"$user.apiToken"`, `"$$ROOT.pwd"`: an aggregation expression reading
    /// a secret field.
    static func isSensitiveFieldReference(_ value: BSON) -> Bool {
        guard case .string(let text) = value, text.hasPrefix("$") else { return false }
        return isSensitivePath(String(text.drop { $0 == "$" }))
    }

    /// Whether `value` mentions a secret field anywhere inside it.
    static func mentionsSensitiveField(_ value: BSON) -> Bool {
        switch value {
        case .document(let document): document.contains { mentionsSensitiveField($0.value) }
        case .array(let elements): elements.contains(where: mentionsSensitiveField)
        default: isSensitiveFieldReference(value)
        }
    }

    /// The strings inside a value compared with a secret field, except field paths and
    /// operators (`"$name"`), which are the expression's own.
    private static func learnLiterals(_ value: BSON) {
        switch value {
        case .document(let document): document.forEach { learnLiterals($0.value) }
        case .array(let elements): elements.forEach(learnLiterals)
        case .string(let text) where !text.hasPrefix("$"): SecretValues.shared.add(text)
        default: break
        }
    }
}
