import Mongo

/// `expect`, `expectError` and `save`.
extension StepParser {
    /// - Returns: whether `value` may hold a variable to substitute (see `substitutions`).
    @discardableResult
    func expectation(_ value: BSON, at path: JSONPath, scope: Set<String>) -> Bool {
        for problem in ExpectationSyntax.problems(in: value, path: path, substitutionOperators: Self.substitutionOperators) {
            diagnostics.error(problem.path, problem.message)
        }
        return substitutions(in: value, at: path, scope: scope, expectation: true)
    }

    private static let substitutionOperators = Set(VariableName.substitutionOperators)

    func expectedError(_ value: BSON, at path: JSONPath, scope: Set<String>) -> ExpectedError? {
        guard let document = value.documentValue else {
            diagnostics.error(path, "expected a JSON object such as {\"codeName\": \"DuplicateKey\"}, got \(Diagnostics.describe(value))")
            return nil
        }
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(["code", "codeName", "contains", "labels", "labelsOmit", "isClientError", "response", "result"])
        let code = reader.integer("code", in: Int(Int32.min)...Int(Int32.max)).map { Int32($0) }
        if let response = document["response"] {
            if response.documentValue == nil {
                diagnostics.error(path.key("response"), "expected the error reply as a JSON object, got \(Diagnostics.describe(response))")
            } else {
                expectation(response, at: path.key("response"), scope: scope)
            }
        }
        if let result = document["result"] {
            if result.documentValue == nil {
                diagnostics.error(path.key("result"), "expected what the write did before it failed as a JSON object, such as {\"insertedCount\": 2}, got \(Diagnostics.describe(result))")
            } else {
                expectation(result, at: path.key("result"), scope: scope)
            }
        }
        return ExpectedError(
            code: code, codeName: reader.string("codeName"), contains: reader.string("contains"),
            labels: reader.strings("labels") ?? [], labelsOmit: reader.strings("labelsOmit") ?? [],
            isClientError: reader.bool("isClientError"), response: document["response"], result: document["result"])
    }

    func saveTarget(_ value: BSON, at path: JSONPath) -> SaveTarget? {
        if let name = value.stringValue {
            guard VariableName.isValid(name) else {
                diagnostics.error(path, "\"\(name)\" is not a variable name: use letters, digits and _, starting with a letter or _")
                return nil
            }
            return .whole(name)
        }
        guard let document = value.documentValue, !document.isEmpty else {
            diagnostics.error(path, "expected a variable name, or an object of variable → path in the result, got \(Diagnostics.describe(value))")
            return nil
        }
        var pairs: [(variable: String, path: String)] = []
        for (name, target) in document {
            guard VariableName.isValid(name) else {
                diagnostics.error(path.key(name), "\"\(name)\" is not a variable name: use letters, digits and _, starting with a letter or _")
                continue
            }
            guard let resultPath = target.stringValue else {
                diagnostics.error(path.key(name), "expected a path into the result such as \"insertedId\" or \"0.total\", got \(Diagnostics.describe(target))")
                continue
            }
            pairs.append((name, resultPath))
        }
        return .paths(pairs)
    }
}
