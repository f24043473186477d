import Foundation
import Mongo

extension Matcher {
    /// Values longer than this are cut, so one huge document cannot swamp a report line.
    static let shownLimit = 200

    /// `base.key`, or `base["a.b"]` for keys that are not plain identifiers, quoted the way
    /// `JSONPath` quotes them so scenario paths and result paths read alike.
    static func path(_ base: String, key: String) -> String {
        let (text, plain) = JSONPath.written(key: key)
        return base.isEmpty || !plain ? base + text : base + "." + text
    }

    static func path(_ base: String, index: Int) -> String {
        base + "[\(index)]"
    }

    /// A value as one line of relaxed Extended JSON, cut at `shownLimit` characters,
    /// redacted first: a secret cut in half would no longer be recognised later.
    static func shown(_ value: BSON) -> String {
        truncated(Redaction.redact(value).extendedJSON(.relaxed))
    }

    /// Text as a JSON string literal: quoted, escaped, on one line.
    static func quoted(_ text: String) -> String {
        truncated(BSON.string(text).extendedJSON(.relaxed))
    }

    /// Text escaped as in a JSON string but without the quotes, for names in backticks.
    static func literal(_ text: String) -> String {
        String(BSON.string(text).extendedJSON(.relaxed).dropFirst().dropLast())
    }

    static func truncated(_ text: String) -> String {
        let text = SecretValues.shared.mask(text)
        return text.count <= shownLimit ? text : text.prefix(shownLimit) + "…"
    }

    /// `expected X, got Y (note)`, or `expected X, but the field is missing`.
    static func failure(_ path: String, _ expectation: String, _ actual: BSON?, note: String? = nil) -> Mismatch {
        var message = "expected \(expectation), "
        message += actual.map { "got \(shown($0))" } ?? "but the field is missing"
        if let note { message += " (\(note))" }
        return Mismatch(path: path, message: message)
    }

    static func lengthMismatch(_ path: String, _ expected: [BSON], _ actual: [BSON], inAnyOrder: Bool) -> Mismatch {
        func count(_ n: Int) -> String { n == 1 ? "1 element" : "\(n) elements" }
        let order = inAnyOrder ? " in any order" : ""
        return Mismatch(
            path: path,
            message: "expected \(count(expected.count))\(order) \(shown(.array(expected))), "
                + "got \(count(actual.count)) \(shown(.array(actual)))")
    }
}

extension Mismatch {
    func appending(_ text: String) -> Mismatch {
        Mismatch(path: path, message: message + text)
    }
}
