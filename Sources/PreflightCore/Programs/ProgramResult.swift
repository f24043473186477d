import Mongo

/// Holding an `exec` or `http` result to the step's `expect`, and keeping what `save` asks.
enum ProgramResult {
    /// Each key `expect` names, matched as a step's `expect` is; `json` and `headers` are
    /// root-level documents, which may hold keys the expectation does not name.
    static func check(_ expect: BSON?, _ result: BSONDocument, title: String, scope: VariableScope) throws {
        guard let expect else { return }
        let expected = try Substitution.apply(expect, scope)
        for (key, value) in expected.documentValue ?? [:] {
            let root = key == "json" || key == "headers"
            if let mismatch = Matcher().match(value, result[key], root: root, path: "result.\(key)") {
                throw RunFailure.failed(Failures.mismatch(title, mismatch, expected: expected, actual: .document(result)))
            }
        }
    }

    /// Text read as Extended JSON when it is a JSON value (an object, an array, a
    /// number…); nil when it is not.
    static func json(_ text: String) -> BSON? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        return try? ExtendedJSON.parseValue(Array(trimmed.utf8))
    }

    /// Output for a log or a message: its start and end, where a long output says what it was doing and how it ended.
    static func shown(_ text: String) -> String {
        text.headAndTail(headBytes: 2_000, tailBytes: 2_000)
    }
}
