import Mongo

/// Checks the `$$` operators of an expectation when a scenario is loaded, so a typo like
/// `$$tyep` is a validation error (exit 2, nothing run) instead of a mismatch reported
/// after the fixtures were loaded and the steps ran.
public enum ExpectationSyntax {
    /// The operators `Matcher` understands (the README, “Scenario files (matching)”), in the order suggestions prefer.
    public static let matchOperators = [
        "$$exists", "$$type", "$$unsetOrMatches", "$$lt", "$$lte", "$$gt", "$$gte", "$$ne", "$$regex", "$$anyOf",
        "$$matchAsRoot", "$$unordered",
    ]

    /// The names `$$type` accepts: MongoDB's `$type` aliases (as `BSON.typeAlias` spells
    /// them), plus `number` for any numeric type.
    public static let typeAliases = [
        "double", "string", "object", "array", "binData", "undefined", "objectId", "bool", "date", "null", "regex",
        "dbPointer", "javascript", "symbol", "javascriptWithScope", "int", "timestamp", "long", "decimal", "minKey",
        "maxKey", "number",
    ]

    /// Every misuse of a `$$` operator in `expected`.
    ///
    /// - Parameters:
    ///   - expected: An expectation as written in the scenario.
    ///   - path: Where it sits in the file, e.g. `tests[0].steps[2].expect`.
    ///   - substitutionOperators: Operators the runner replaces before matching (`$$var`,
    ///     `$$now`, `$$newObjectId`); they are accepted here and their arguments are left
    ///     to whoever validates substitution.
    /// - Returns: Each problem with the path of the offending key, in document order.
    public static func problems(
        in expected: BSON, path: JSONPath, substitutionOperators: Set<String>
    ) -> [(path: JSONPath, message: String)] {
        var checker = Checker(substitutionOperators: substitutionOperators)
        checker.check(expected, at: path)
        return checker.problems
    }

    private struct Checker {
        let substitutionOperators: Set<String>
        var problems: [(path: JSONPath, message: String)] = []

        mutating func check(_ value: BSON, at path: JSONPath) {
            switch value {
            // Only objects and arrays hold operators: a path is made for those alone, as
            // every expectation of a file is walked.
            case .array(let elements):
                for (index, element) in elements.enumerated() where element.isContainer {
                    check(element, at: path.index(index))
                }
            case .document(let document):
                for (key, value) in document {
                    guard VariableName.isOperatorKey(key) else {
                        if value.isContainer { check(value, at: path.key(key)) }
                        continue
                    }
                    let keyPath = path.key(key)
                    if document.elements.contains(where: { !VariableName.isOperatorKey($0.key) }) {
                        report(keyPath, "operator `\(Matcher.literal(key))` must be the only key of its document")
                    }
                    checkOperator(key, value, at: keyPath)
                }
            default:
                break
            }
        }

        private mutating func checkOperator(_ name: String, _ argument: BSON, at path: JSONPath) {
            if substitutionOperators.contains(name) { return }
            switch name {
            case "$$exists":
                if argument.boolValue == nil { report(path, "`$$exists` takes true or false, got \(Matcher.shown(argument))") }
            case "$$type":
                checkType(argument, at: path)
            case "$$regex":
                checkRegex(argument, at: path)
            case "$$anyOf", "$$unordered":
                guard case .array(let elements) = argument else {
                    return report(path, "`\(name)` takes an array, got \(Matcher.shown(argument))")
                }
                if name == "$$anyOf" && elements.isEmpty {
                    report(path, "`$$anyOf` needs at least one value: an empty list matches nothing")
                }
                check(argument, at: path)
            case "$$matchAsRoot":
                guard case .document = argument else {
                    return report(path, "`$$matchAsRoot` takes a document, got \(Matcher.shown(argument))")
                }
                check(argument, at: path)
            case "$$unsetOrMatches", "$$lt", "$$lte", "$$gt", "$$gte", "$$ne":
                check(argument, at: path)
            default:
                let known = matchOperators + substitutionOperators.sorted()
                var message = "unknown operator `\(Matcher.literal(name))`"
                if let nearest = NearestName.suggestion(for: name, among: known) {
                    message += "; did you mean `\(nearest)`?"
                } else {
                    message += "; known operators are " + known.map { "`\($0)`" }.joined(separator: ", ")
                }
                report(path, message)
            }
        }

        private mutating func checkType(_ argument: BSON, at path: JSONPath) {
            switch argument {
            case .string(let alias):
                checkAlias(alias, at: path)
            case .array(let items) where !items.isEmpty:
                for (index, item) in items.enumerated() {
                    guard let alias = item.stringValue else {
                        report(path.index(index), "`$$type` takes type names, got \(Matcher.shown(item))")
                        continue
                    }
                    checkAlias(alias, at: path.index(index))
                }
            default:
                report(path, "`$$type` takes a type name or a non-empty list of them, got \(Matcher.shown(argument))")
            }
        }

        private mutating func checkAlias(_ alias: String, at path: JSONPath) {
            guard !typeAliases.contains(alias) else { return }
            var message = "unknown type `\(Matcher.literal(alias))` in `$$type`"
            if let nearest = NearestName.suggestion(for: alias, among: typeAliases) {
                message += "; did you mean `\(nearest)`?"
            }
            report(path, message)
        }

        private mutating func checkRegex(_ argument: BSON, at path: JSONPath) {
            let pattern: String
            let options: String
            switch argument {
            case .string(let text): (pattern, options) = (text, "")
            case .regex(let text, let flags): (pattern, options) = (text, flags)
            default:
                return report(path, "`$$regex` takes a pattern string, got \(Matcher.shown(argument))")
            }
            if (try? Matcher.regularExpression(pattern, options: options)) == nil {
                report(path, "`$$regex` pattern \(Matcher.quoted(pattern)) does not compile as a regular expression")
            }
        }

        private mutating func report(_ path: JSONPath, _ message: String) {
            problems.append((path: path, message: message))
        }
    }
}
