import Foundation

/// The values this process has learnt are secret, masked wherever they appear afterwards.
///
/// Redacting by key (`password: <redacted>`) misses a secret once it travels: a `distinct`
/// over a password field returns bare values, a `$project` renames the field, a variable
/// saved under a plain name carries it into a filter, libmongoc quotes a piece of a
/// malformed connection string. So a value seen under a secret key, or a password in a
/// connection string, is remembered here, and every line Preflight writes (console,
/// reports, messages) is masked with what is known.
///
/// One process is one command, so the registry is process-wide: a secret learnt while
/// loading a file or sending a command is masked in every report the run writes.
public final class SecretValues: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    public static let shared = SecretValues()

    /// What a masked value becomes: the same word as key redaction, so a reader sees one
    /// kind of hole whichever rule made it.
    public static let placeholder = "<redacted>"

    /// Shorter values are masked only as whole values (a string equal to one, or one in
    /// quotes in a text): as a bare substring, `"ann"` or `"42"` would mask ordinary words.
    public static let minimumSubstringLength = 6

    private let lock = NSLock()
    private var values: Set<String> = []
    private var fragments: Set<String> = []
    /// Rebuilt on first use after a change: learning happens in bursts (a file loads, a
    /// reply arrives) and masking in between.
    private var compiled: TextMask? = TextMask.empty

    init() {}

    /// Remembers `value` as a secret. Empty values, and values that the placeholder itself
    /// contains, are ignored: masking them would mask the mask.
    public func add(_ value: String) {
        guard Self.isWorthMasking(value) else { return }
        lock.withLock {
            if values.insert(value).inserted { compiled = nil }
        }
    }

    /// Remembers a piece of text that is masked wherever it appears, however short: the
    /// pieces of a connection string around a password (`alice:pa`, `ss@`) that libmongoc
    /// may quote after splitting the string at the wrong place.
    public func addFragment(_ fragment: String) {
        guard fragment.utf8.count >= 2, !Self.placeholder.contains(fragment) else { return }
        lock.withLock {
            if fragments.insert(fragment).inserted { compiled = nil }
        }
    }

    /// Remembers what a connection string holds that is secret (see `URIRedaction.secrets(in:)`).
    public func addCredentials(of uri: String) {
        let secrets = URIRedaction.secrets(in: uri)
        secrets.values.forEach(add)
        secrets.fragments.forEach(addFragment)
    }

    /// Whether `value`, whole, is a known secret.
    public func contains(_ value: String) -> Bool {
        lock.withLock { values.contains(value) }
    }

    public var isEmpty: Bool {
        lock.withLock { values.isEmpty && fragments.isEmpty }
    }

    /// `text` with every known secret replaced by the placeholder: long values and
    /// fragments wherever they are, short values where they stand quoted (`"pw1"`), each
    /// also as JSON escapes it (`a\"b`).
    public func mask(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        return currentMask().apply(to: text)
    }

    /// A value as it may be shown: the placeholder when it is a known secret, however
    /// short, else `mask(value)`.
    public func maskValue(_ value: String) -> String {
        guard !value.isEmpty else { return value }
        if contains(value) { return Self.placeholder }
        return currentMask().apply(to: value)
    }

    /// Forgets everything; for tests, which share one process.
    func removeAll() {
        lock.withLock {
            values.removeAll()
            fragments.removeAll()
            compiled = TextMask.empty
        }
    }

    private func currentMask() -> TextMask {
        lock.withLock {
            if let compiled { return compiled }
            var pairs: [(pattern: String, replacement: String)] = []
            for value in values {
                let escaped = Self.jsonEscaped(value)
                pairs.append(("\"" + escaped + "\"", "\"" + Self.placeholder + "\""))
                guard value.utf8.count >= Self.minimumSubstringLength else { continue }
                pairs.append((value, Self.placeholder))
                if escaped != value { pairs.append((escaped, Self.placeholder)) }
            }
            for fragment in fragments { pairs.append((fragment, Self.placeholder)) }
            let mask = TextMask(pairs)
            compiled = mask
            return mask
        }
    }

    private static func isWorthMasking(_ value: String) -> Bool {
        !value.isEmpty && !placeholder.contains(value) && value != "***"
            && !value.allSatisfy { $0.isWhitespace }
    }

    /// `value` as it appears inside a JSON string (Extended JSON, the JSON report).
    private static func jsonEscaped(_ value: String) -> String {
        var quoted = ""
        BSON.writeString(value, to: &quoted)
        return String(quoted.dropFirst().dropLast())
    }
}
