import Mongo

extension SaveTarget {
    /// Keeps what `save` asks of `result` in `scope`: the whole result, or each dotted path
    /// of it (a path the result lacks fails the step, naming it).
    /// - Parameter title: the step's, made only for a message: most saves need none.
    func keep(_ result: BSON, title: @autoclosure () -> String, in scope: VariableScope) throws {
        switch self {
        case .whole(let name):
            scope.set(name, result)
        case .paths(let pairs):
            for (variable, path) in pairs {
                guard let value = ResultPath.value(at: path.split(separator: ".").map(String.init), in: result) else {
                    throw RunFailure.failed(TestProblem(
                        type: "save", message: "\(title()): cannot save \"\(variable)\": the result has no \"\(path)\"",
                        details: "result: \(Failures.clip(Redaction.redact(result).extendedJSON(.relaxed)))"))
                }
                // Saved under a plain name, a secret is still one: `{"pw": "password"}`.
                if Redaction.isSensitivePath(path) { Redaction.learn(value, secret: true) }
                scope.set(variable, value)
            }
        }
    }
}
