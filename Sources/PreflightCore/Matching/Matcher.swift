import Foundation
import Mongo

/// Compares an expected value from a scenario with the actual one, by DESIGN §4 (the
/// MongoDB Unified Test Format's rules, extended).
///
/// The rules are lenient where tests would otherwise be brittle (key order, extra keys on
/// root-level documents, int32 versus int64 versus double) and strict where leniency would
/// hide bugs: nested documents may not grow keys, and Decimal128 never equals a double, so
/// money that silently turned into a binary double is caught.
///
/// Variables (`$$var`, `$$now`, `$$newObjectId`) are the runner's business: it substitutes
/// them before matching, so the matcher treats a leftover one as a mismatch rather than
/// guessing at a value.
public struct Matcher: Sendable {
    public init() {}

    /// Matches `actual` against `expected`.
    ///
    /// - Parameters:
    ///   - expected: The expectation, variables already substituted.
    ///   - actual: The actual value; nil when the field is absent.
    ///   - root: Whether a document at this level is root-level (an operation's result
    ///     document, each document of a `find` result, a command reply) and so may have keys
    ///     the expectation does not name. An array passes it on to its elements.
    ///   - path: Where `actual` sits, e.g. `orders`; empty for the top. Keys and indexes are
    ///     appended to it, so a mismatch reads `orders[0].billed_month: …`.
    /// - Returns: The first mismatch found, or nil when the values match.
    public func match(_ expected: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        switch expected {
        case .document(let document):
            let operators = document.keys.filter { $0.hasPrefix("$$") }
            if let name = operators.first, let argument = document[name] {
                guard document.count == 1 else {
                    return Mismatch(path: path, message: "operator `\(Self.literal(name))` must be the only key of its document")
                }
                return matchOperator(name, argument, actual, root: root, path: path)
            }
            return matchDocument(document, actual, root: root, path: path)
        case .array(let elements):
            return matchArray(elements, actual, root: root, path: path)
        default:
            return matchValue(expected, actual, path: path)
        }
    }
}

// MARK: - Documents, arrays, values

extension Matcher {
    private func matchDocument(_ expected: BSONDocument, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(.document(expected)), nil) }
        guard case .document(let actualDocument) = actual else {
            return Self.failure(path, Self.shown(.document(expected)), actual)
        }
        // Absent keys reach `match` as nil, so `$$exists: false` and `$$unsetOrMatches`
        // decide for themselves whether absence is fine.
        for (key, value) in expected {
            if let mismatch = match(value, actualDocument[key], root: false, path: Self.path(path, key: key)) {
                return mismatch
            }
        }
        if !root, let extra = actualDocument.first(where: { !expected.contains($0.key) }) {
            let message = "unexpected field \(Self.quoted(extra.key)) with value \(Self.shown(extra.value))"
            return Mismatch(path: path, message: message)
        }
        return nil
    }

    private func matchArray(_ expected: [BSON], _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(.array(expected)), nil) }
        guard case .array(let actualElements) = actual else {
            return Self.failure(path, Self.shown(.array(expected)), actual)
        }
        guard expected.count == actualElements.count else {
            return Self.lengthMismatch(path, expected, actualElements, inAnyOrder: false)
        }
        for (index, (wanted, got)) in zip(expected, actualElements).enumerated() {
            if let mismatch = match(wanted, got, root: root, path: Self.path(path, index: index)) {
                return mismatch
            }
        }
        return nil
    }

    private func matchValue(_ expected: BSON, _ actual: BSON?, path: String) -> Mismatch? {
        guard let actual else { return Self.failure(path, Self.shown(expected), nil) }
        if expected.isNumber && actual.isNumber {
            if Self.numbersEqual(expected, actual) { return nil }
            return Self.failure(path, Self.shown(expected), actual, note: Self.incomparability(expected, actual))
        }
        return expected == actual ? nil : Self.failure(path, Self.shown(expected), actual)
    }
}

// MARK: - Operators

extension Matcher {
    /// Names the runner replaces before matching; met here, they were left unsubstituted.
    static let substitutedOperators: Set<String> = ["$$var", "$$now", "$$newObjectId"]

    private func matchOperator(_ name: String, _ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
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
            if Self.substitutedOperators.contains(name) {
                message += ": the runner replaces it before matching"
            } else if let nearest = NearestName.suggestion(for: name, among: ExpectationSyntax.matchOperators) {
                message += "; did you mean `\(nearest)`?"
            }
            return Mismatch(path: path, message: message)
        }
    }

    private func matchExists(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
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

    private func matchType(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
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
        let expectation = "type " + Self.alternatives(aliases.map(Self.quoted))
        guard let actual else { return Self.failure(path, expectation, nil) }
        if aliases.contains(actual.typeAlias) || (actual.isNumber && aliases.contains("number")) { return nil }
        return Mismatch(
            path: path,
            message: "expected \(expectation), got \(Self.quoted(actual.typeAlias)) (\(Self.shown(actual)))")
    }

    private func matchOrder(_ name: String, _ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
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

    private func matchRegex(_ argument: BSON, _ actual: BSON?, path: String) -> Mismatch? {
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

    private func matchAnyOf(_ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
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
    private func matchUnordered(_ argument: BSON, _ actual: BSON?, root: Bool, path: String) -> Mismatch? {
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

// MARK: - Numbers and dates

extension Matcher {
    /// A numeric BSON value in the form it can be compared exactly.
    private enum Number {
        case integer(Int64)
        case double(Double)
        case decimal(Decimal128)

        init?(_ value: BSON) {
            switch value {
            case .int32(let number): self = .integer(Int64(number))
            case .int64(let number): self = .integer(number)
            case .double(let number): self = .double(number)
            case .decimal128(let number): self = .decimal(number)
            default: return nil
            }
        }
    }

    /// Equal by §4: int32, int64 and double by exact numeric value (NaN equals NaN);
    /// Decimal128 only with Decimal128, by value.
    static func numbersEqual(_ lhs: BSON, _ rhs: BSON) -> Bool {
        guard let a = Number(lhs), let b = Number(rhs) else { return false }
        switch (a, b) {
        case (.decimal(let x), .decimal(let y)): return x == y
        case (.decimal, _), (_, .decimal): return false
        case (.double(let x), .double(let y)) where x.isNaN && y.isNaN: return true
        default: return order(lhs, rhs) == .orderedSame
        }
    }

    /// How `lhs` orders against `rhs`, exactly; nil when they cannot be ordered: NaN,
    /// a date against a number or a non-number, or a decimal against a double (a double
    /// cannot be turned into a decimal without rounding). A decimal does order against
    /// an integer, whose decimal form is exact.
    static func order(_ lhs: BSON, _ rhs: BSON) -> ComparisonResult? {
        if case .datetime(let x) = lhs, case .datetime(let y) = rhs { return compare(x, y) }
        guard let a = Number(lhs), let b = Number(rhs) else { return nil }
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return compare(x, y)
        case (.integer(let x), .double(let y)):
            return compare(x, y)
        case (.double(let x), .integer(let y)):
            return compare(y, x).map(reversed)
        case (.double(let x), .double(let y)):
            return x.isNaN || y.isNaN ? nil : (x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame))
        case (.decimal(let x), .decimal(let y)):
            return compare(x, y)
        case (.decimal(let x), .integer(let y)):
            return Decimal128(String(y)).flatMap { compare(x, $0) }
        case (.integer(let x), .decimal(let y)):
            return Decimal128(String(x)).flatMap { compare($0, y) }
        case (.decimal, .double), (.double, .decimal):
            return nil
        }
    }

    /// Why two values cannot be compared, for the mismatch message; nil when they can
    /// (or when the only obstacle is NaN, which the values shown already make plain).
    private static func incomparability(_ lhs: BSON, _ rhs: BSON) -> String? {
        if lhs.typeAlias == "date" && rhs.typeAlias == "date" { return nil }
        if lhs.isNumber && rhs.isNumber {
            let decimals = [lhs, rhs].filter { $0.typeAlias == "decimal" }.count
            return decimals == 1 ? "a decimal only equals or orders against a decimal or an integer, never a double" : nil
        }
        return "cannot compare type \(quoted(lhs.typeAlias)) with \(quoted(rhs.typeAlias))"
    }

    private static func compare<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult {
        x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame)
    }

    /// Orders an Int64 against a Double without converting either: converting the integer
    /// rounds above 2^53 (so 2^53 + 1 would equal 2^53), and converting the double traps
    /// outside Int64's range.
    private static func compare(_ integer: Int64, _ double: Double) -> ComparisonResult? {
        if double.isNaN { return nil }
        // 2^63 is exactly representable; every Int64 is below it and at or above -2^63.
        if double >= 9_223_372_036_854_775_808.0 { return .orderedAscending }
        if double < -9_223_372_036_854_775_808.0 { return .orderedDescending }
        let whole = double.rounded(.towardZero)
        let wholeInteger = Int64(whole)
        if integer != wholeInteger { return compare(integer, wholeInteger) }
        let fraction = double - whole
        return fraction == 0 ? .orderedSame : (fraction > 0 ? .orderedAscending : .orderedDescending)
    }

    private static func compare(_ x: Decimal128, _ y: Decimal128) -> ComparisonResult? {
        if x.isNaN || y.isNaN { return nil }
        return x < y ? .orderedAscending : (y < x ? .orderedDescending : .orderedSame)
    }

    private static func reversed(_ order: ComparisonResult) -> ComparisonResult {
        switch order {
        case .orderedAscending: .orderedDescending
        case .orderedDescending: .orderedAscending
        case .orderedSame: .orderedSame
        }
    }
}

// MARK: - Regular expressions

extension Matcher {
    /// Compiles a pattern with BSON regex options: `i` ignore case, `m` anchors at lines,
    /// `s` dot matches newlines, `x` extended (white space and comments ignored). `l` and
    /// `u` change nothing here: matching is always Unicode-aware.
    static func regularExpression(_ pattern: String, options: String) throws -> NSRegularExpression {
        var flags: NSRegularExpression.Options = []
        for option in options {
            switch option {
            case "i": flags.insert(.caseInsensitive)
            case "m": flags.insert(.anchorsMatchLines)
            case "s": flags.insert(.dotMatchesLineSeparators)
            case "x": flags.insert(.allowCommentsAndWhitespace)
            default: break
            }
        }
        return try NSRegularExpression(pattern: pattern, options: flags)
    }
}

// MARK: - Paths and messages

extension Matcher {
    /// Values longer than this are cut, so one huge document cannot swamp a report line.
    static let shownLimit = 200

    /// `base.key`, or `base["a.b"]` for keys that are not plain identifiers, quoted the way
    /// `JSONPath` quotes them so scenario paths and result paths read alike.
    static func path(_ base: String, key: String) -> String {
        let component = JSONPath([.key(key)]).description
        return base.isEmpty || component.hasPrefix("[") ? base + component : base + "." + component
    }

    static func path(_ base: String, index: Int) -> String {
        base + "[\(index)]"
    }

    /// A value as one line of relaxed Extended JSON, cut at `shownLimit` characters.
    static func shown(_ value: BSON) -> String {
        truncated(value.extendedJSON(.relaxed))
    }

    /// Text as a JSON string literal: quoted, escaped, on one line.
    static func quoted(_ text: String) -> String {
        truncated(BSON.string(text).extendedJSON(.relaxed))
    }

    /// Text escaped as in a JSON string but without the quotes, for names in backticks.
    static func literal(_ text: String) -> String {
        String(BSON.string(text).extendedJSON(.relaxed).dropFirst().dropLast())
    }

    private static func truncated(_ text: String) -> String {
        text.count <= shownLimit ? text : text.prefix(shownLimit) + "…"
    }

    /// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
    private static func alternatives(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }

    /// `expected X, got Y (note)`, or `expected X, but the field is missing`.
    private static func failure(_ path: String, _ expectation: String, _ actual: BSON?, note: String? = nil) -> Mismatch {
        var message = "expected \(expectation), "
        message += actual.map { "got \(shown($0))" } ?? "but the field is missing"
        if let note { message += " (\(note))" }
        return Mismatch(path: path, message: message)
    }

    private static func lengthMismatch(_ path: String, _ expected: [BSON], _ actual: [BSON], inAnyOrder: Bool) -> Mismatch {
        func count(_ n: Int) -> String { n == 1 ? "1 element" : "\(n) elements" }
        let order = inAnyOrder ? " in any order" : ""
        return Mismatch(
            path: path,
            message: "expected \(count(expected.count))\(order) \(shown(.array(expected))), "
                + "got \(count(actual.count)) \(shown(.array(actual)))")
    }
}

extension Mismatch {
    fileprivate func appending(_ text: String) -> Mismatch {
        Mismatch(path: path, message: message + text)
    }
}
