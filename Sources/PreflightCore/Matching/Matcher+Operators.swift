import Foundation
import Mongo

extension Matcher {
    func matchOperator(_ name: String, _ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        switch name {
        case "$$exists":
            return matchExists(argument, actual, path: path)
        case "$$type":
            return matchType(argument, actual, path: path)
        case "$$unsetOrMatches":
            guard let actual else { return nil }
            return match(argument, actual, root: root, path: path)
        case "$$lt", "$$lte", "$$gt", "$$gte":
            return matchOrder(name, argument, actual, path: path)
        case "$$ne":
            let expectation = "a value other than \(Self.shown(argument))"
            guard let actual, match(argument, actual, root: root, path: path) != nil else {
                return Self.failure(path, expectation, actual)
            }
            return nil
        case "$$regex":
            return matchRegex(argument, actual, path: path)
        case "$$anyOf":
            return matchAnyOf(argument, actual, root: root, path: path)
        case "$$matchAsRoot":
            guard case .document = argument else {
                return Mismatch(path: path, message: "`$$matchAsRoot` takes a document, got \(Self.shown(argument))")
            }
            return match(argument, actual, root: true, path: path)
        case "$$unordered":
            return matchUnordered(argument, actual, root: root, path: path)
        default:
            var message = "operator `\(Self.literal(name))` is not known here"
            if VariableName.substitutionOperators.contains(name) {
                message += ": the runner replaces it before matching"
            } else if let nearest = NearestName.suggestion(for: name, among: ExpectationSyntax.matchOperators) {
                message += "; did you mean `\(nearest)`?"
            }
            return Mismatch(path: path, message: message)
        }
    }

    func matchExists(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        guard case .bool(let shouldExist) = argument else {
            return Mismatch(path: path, message: "`$$exists` takes true or false, got \(Self.shown(argument))")
        }
        switch (shouldExist, actual) {
        case (true, nil):
            return Mismatch(path: path, message: "expected the field to exist, but it is missing")
        case (false, let value?):
            return Mismatch(path: path, message: "expected the field to be absent, got \(Self.shown(value))")
        default:
            return nil
        }
    }

    func matchType(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        let aliases: [String]
        switch argument {
        case .string(let alias):
            aliases = [alias]
        case .array(let items) where !items.isEmpty && items.allSatisfy({ $0.stringValue != nil }):
            aliases = items.compactMap(\.stringValue)
        default:
            return Mismatch(path: path, message: "`$$type` takes a type name or a list of them, got \(Self.shown(argument))")
        }
        if let unknown = aliases.first(where: { !ExpectationSyntax.typeAliases.contains($0) }) {
            return Mismatch(path: path, message: "unknown type \(Self.quoted(unknown)) in `$$type`")
        }
        let expectation = "type " + aliases.map(Self.quoted).listed("or")
        guard let actual else { return Self.failure(path, expectation, nil) }
        if aliases.contains(actual.typeAlias) || (actual.isNumber && aliases.contains("number")) { return nil }
        return Mismatch(
            path: path,
            message: "expected \(expectation), got \(Self.quoted(actual.typeAlias)) (\(Self.shown(actual)))")
    }

    func matchOrder(_ name: String, _ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        let (phrase, accepted): (String, Set<ComparisonResult>) =
            switch name {
            case "$$lt": ("less than", [.orderedAscending])
            case "$$lte": ("less than or equal to", [.orderedAscending, .orderedSame])
            case "$$gt": ("greater than", [.orderedDescending])
            default: ("greater than or equal to", [.orderedDescending, .orderedSame])
            }
        guard argument.isNumber || argument.typeAlias == "date" else {
            return Mismatch(
                path: path,
                message: "`\(name)` compares numbers and dates, not \(Self.quoted(argument.typeAlias)) (\(Self.shown(argument)))")
        }
        let expectation = "a value \(phrase) \(Self.shown(argument))"
        guard let actual else { return Self.failure(path, expectation, nil) }
        if let order = Self.order(actual, argument), accepted.contains(order) { return nil }
        return Self.failure(path, expectation, actual, note: Self.incomparability(actual, argument))
    }

    func matchRegex(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        let pattern: String
        let options: String
        switch argument {
        case .string(let text):
            (pattern, options) = (text, "")
        case .regex(let text, let flags):
            (pattern, options) = (text, flags)
        default:
            return Mismatch(path: path, message: "`$$regex` takes a pattern string, got \(Self.shown(argument))")
        }
        guard let expression = try? Self.regularExpression(pattern, options: options) else {
            let message = "`$$regex` pattern \(Self.quoted(pattern)) does not compile as a regular expression"
            return Mismatch(path: path, message: message)
        }
        var expectation = "a string matching \(Self.quoted(pattern))"
        if !options.isEmpty { expectation += " with options \(Self.quoted(options))" }
        guard case .string(let text) = actual else { return Self.failure(path, expectation, actual) }
        let found = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        return found ? nil : Self.failure(path, expectation, actual)
    }

    func matchAnyOf(_ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard case .array(let candidates) = argument else {
            return Mismatch(path: path, message: "`$$anyOf` takes an array, got \(Self.shown(argument))")
        }
        var mismatches: [Mismatch] = []
        for candidate in candidates {
            guard let mismatch = match(candidate, actual, root: root, path: path) else { return nil }
            mismatches.append(mismatch)
        }
        // With one candidate its own mismatch says more, often at a deeper path.
        if mismatches.count == 1, let only = mismatches.first { return only }
        return Self.failure(path, "any of \(Self.shown(argument))", actual)
    }

    /// Pairs every expected element with a different actual element, in any order.
    ///
    /// A greedy pass is not enough: with `[{$$type: number}, 1]` against `[1, 2]` it would
    /// give `1` to the type check and leave nothing for the literal. This finds a maximum
    /// bipartite matching with augmenting paths (Kuhn's algorithm), which fails only when
    /// no pairing exists.
    func matchUnordered(_ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard case .array(let expected) = argument else {
            return Mismatch(path: path, message: "`$$unordered` takes an array, got \(Self.shown(argument))")
        }
        let expectation = "\(Self.shown(argument)) in any order"
        guard case .array(let actualElements) = actual else { return Self.failure(path, expectation, actual) }
        guard expected.count == actualElements.count else {
            return Self.lengthMismatch(path, expected, actualElements, inAnyOrder: true)
        }
        // Each element keeps the path and root status it would have had in order.
        let candidates = expected.map { wanted in
            actualElements.indices.filter { index in
                match(wanted, actualElements[index], root: root, path: Self.path(path, index: index)) == nil
            }
        }
        var owner = [Int?](repeating: nil, count: actualElements.count)
        func assign(_ element: Int, _ visited: inout [Bool]) -> Bool {
            for index in candidates[element] where !visited[index] {
                visited[index] = true
                if let current = owner[index], !assign(current, &visited) { continue }
                owner[index] = element
                return true
            }
            return false
        }
        for element in expected.indices {
            var visited = [Bool](repeating: false, count: actualElements.count)
            guard assign(element, &visited) else {
                let shownElement = Self.shown(expected[element])
                let reason =
                    candidates[element].isEmpty
                    ? "nothing matches expected element [\(element)] (\(shownElement))"
                    : "expected element [\(element)] (\(shownElement)) has no match of its own"
                return Self.failure(path, expectation, actual, note: nil).appending(": " + reason)
            }
        }
        return nil
    }
}
