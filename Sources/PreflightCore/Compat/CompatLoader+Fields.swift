import Foundation
import Mongo

extension CompatLoader {
    static let fieldKeys = ["type", "pattern", "required", "default"]

    /// The spec's `fields`, each checked: a usable path, known type aliases, a pattern
    /// that compiles, and a default the field's own rules accept.
    static func fields(_ document: BSONDocument?, _ diagnostics: Diagnostics, _ sourceMap: SourceMap) -> [CompatField] {
        guard let document else { return [] }
        let path = JSONPath.root.key("fields")
        var fields: [CompatField] = []
        for (name, value) in document {
            let fieldPath = path.key(name)
            if let problem = pathProblem(name) { diagnostics.error(fieldPath, problem) }
            guard let body = value.documentValue else {
                diagnostics.error(fieldPath, "expected the field's rules, such as {\"type\": \"bool\", \"default\": false}, got \(Diagnostics.describe(value))")
                continue
            }
            let reader = FieldReader(body, at: fieldPath, diagnostics)
            reader.allowOnly(fieldKeys, context: " for a field")
            let problemsBefore = diagnostics.errors.count
            let types = self.types(body["type"], at: fieldPath.key("type"), diagnostics)
            let typesValid = diagnostics.errors.count == problemsBefore
            let pattern = self.pattern(body["pattern"], at: fieldPath.key("pattern"), diagnostics, sourceMap)
            let required = reader.bool("required") ?? false
            if body["type"] == nil && body["pattern"] == nil && !required {
                diagnostics.error(fieldPath, "the field asserts nothing: give it a \"type\", a \"pattern\" or \"required\": true")
            }
            if pattern != nil, let types, !types.contains("string") {
                diagnostics.error(fieldPath.key("pattern"), "a pattern applies to strings, and the field's types (\(types.joined(separator: ", "))) do not include `string`")
            }
            let field = CompatField(
                path: name, types: types, pattern: pattern, required: required, defaultValue: body["default"],
                line: diagnostics.line(of: fieldPath))
            // A type that is not one was reported: against it every default would "not fit".
            if let value = field.defaultValue, typesValid {
                checkDefault(value, of: field, at: fieldPath.key("default"), diagnostics)
            }
            fields.append(field)
        }
        return fields
    }

    /// Why `name` cannot name a field the server's `$type` expression can reach, if it cannot.
    static func pathProblem(_ name: String) -> String? {
        let segments = name.split(separator: ".", omittingEmptySubsequences: false)
        if name.isEmpty { return "a field name cannot be empty" }
        if segments.contains(where: \.isEmpty) {
            return "\"\(name)\" is not a field path: a dotted path has a name between every two dots"
        }
        if segments.contains(where: { $0.hasPrefix("$") }) {
            return "\"\(name)\" cannot be checked: a field name starting with \"$\" cannot be read by an aggregation path"
        }
        if name.contains("\0") { return "a field name cannot hold a NUL character" }
        return nil
    }

    /// A type alias or a non-empty list of them, as `$$type` takes them; nil when absent.
    static func types(_ value: BSON?, at path: JSONPath, _ diagnostics: Diagnostics) -> [String]? {
        guard let value else { return nil }
        let items: [(alias: BSON, at: JSONPath)]
        switch value {
        case .string: items = [(value, path)]
        case .array(let elements) where !elements.isEmpty: items = elements.enumerated().map { ($1, path.index($0)) }
        default:
            diagnostics.error(path, "expected a type name such as \"bool\" or a non-empty list such as [\"date\", \"null\"], got \(Diagnostics.describe(value))")
            return nil
        }
        var aliases: [String] = []
        for (item, at) in items {
            guard let alias = item.stringValue else {
                diagnostics.error(at, "expected a type name, got \(Diagnostics.describe(item))")
                continue
            }
            if !ExpectationSyntax.typeAliases.contains(alias) {
                diagnostics.error(at, Diagnostics.unknown("type", alias, among: ExpectationSyntax.typeAliases))
            } else if aliases.contains(alias) {
                diagnostics.error(at, "the type `\(alias)` is listed twice")
            } else {
                aliases.append(alias)
            }
        }
        return aliases
    }

    /// A pattern string, or a BSON regular expression (`{"$regularExpression": …}`) with
    /// options. It must compile here; the server, whose engine is not ICU, may still
    /// refuse it, which the scan reports at this same place.
    static func pattern(_ value: BSON?, at path: JSONPath, _ diagnostics: Diagnostics, _ sourceMap: SourceMap) -> CompatPattern? {
        guard let value else { return nil }
        let pattern: String, options: String
        switch value {
        case .string(let text) where !text.isEmpty: (pattern, options) = (text, "")
        case .regex(let text, let flags): (pattern, options) = (text, flags)
        default:
            diagnostics.error(path, "expected a regular expression as a non-empty string, such as \"^[0-9]{4}-[0-9]{2}$\", got \(Diagnostics.describe(value))")
            return nil
        }
        if let unknown = options.first(where: { !"imsx".contains($0) }) {
            diagnostics.error(path, "unknown regular expression option `\(unknown)`: the server's $regexMatch takes i, m, s and x")
            return nil
        }
        if pattern.contains("\0") {
            diagnostics.error(path, "a pattern cannot hold a NUL character: the server refuses it")
            return nil
        }
        if (try? Matcher.regularExpression(pattern, options: options)) == nil {
            diagnostics.error(path, "the pattern \(Matcher.quoted(pattern)) does not compile as a regular expression")
            return nil
        }
        let location = sourceMap.location(of: path)
        return CompatPattern(pattern: pattern, options: options, line: location?.line, column: location?.column)
    }

    /// A default the field itself would refuse is a contradiction in the spec: documents
    /// without the field would behave as documents the spec calls wrong.
    private static func checkDefault(_ value: BSON, of field: CompatField, at path: JSONPath, _ diagnostics: Diagnostics) {
        if field.required {
            diagnostics.error(path, "a required field has no default: a document without it fails, so no default ever applies")
            return
        }
        if let allowed = field.serverTypes, !allowed.contains(value.typeAlias) {
            diagnostics.error(path, "the default \(Diagnostics.describe(value)) is not of the field's types (\(field.typeDescription))")
            return
        }
        if let pattern = field.pattern, case .string(let text) = value,
            let expression = try? Matcher.regularExpression(pattern.pattern, options: pattern.options),
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            diagnostics.error(path, "the default \(Diagnostics.describe(value)) does not match the field's pattern \(Matcher.quoted(pattern.pattern))")
        }
    }
}
