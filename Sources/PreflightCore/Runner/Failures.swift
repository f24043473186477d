import Mongo

/// The wording of failures and errors, in one place so every report reads alike.
enum Failures {
    static func mismatch(_ title: String, _ mismatch: Mismatch, expected: BSON, actual: BSON?) -> TestProblem {
        var mismatch = mismatch
        if Redaction.isSensitivePath(mismatch.path) {
            mismatch.message = "expected <redacted>, got <redacted> (the values differ; the field holds a secret)"
        }
        return TestProblem(
            type: "mismatch", message: "\(title): \(mismatch)",
            details: """
                step:     \(title)
                at:       \(mismatch.path.isEmpty ? "(the result)" : mismatch.path)
                expected: \(clip(Redaction.redact(expected).extendedJSON(.relaxed)))
                actual:   \(actual.map { clip(Redaction.redact($0).extendedJSON(.relaxed)) } ?? "(nothing)")
                """)
    }

    /// The type of a problem a lost connection or an unselectable server caused.
    static let networkError = "networkError"

    static func unexpected(_ title: String, _ error: MongoError) -> TestProblem {
        let type: String
        switch error.kind {
        case .network, .serverSelection: type = networkError
        case .client: type = "clientError"
        default: type = "serverError"
        }
        var message = "\(title): \(error.message)"
        if let code = error.code { message += " (code \(code)\(error.codeName.map { " \($0)" } ?? ""))" }
        var details = "step: \(title)\nerror: \(error.kind.rawValue) \(error.message)"
        if !error.labels.isEmpty { details += "\nlabels: \(error.labels.joined(separator: ", "))" }
        if let reply = error.reply { details += "\nreply: \(clip(Redaction.redact(.document(reply)).extendedJSON(.relaxed)))" }
        return TestProblem(type: type, message: message, details: details)
    }

    /// Values in failure bodies: long enough to show a whole document, not a collection.
    static func clip(_ text: String) -> String {
        text.clipped(to: 4_000)
    }
}
