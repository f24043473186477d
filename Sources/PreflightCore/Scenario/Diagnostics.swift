import Mongo

/// Collects the problems of one input file, each located by JSON path and, through the
/// file's source map, by line and column.
final class Diagnostics {
    let file: String
    private let sourceMap: SourceMap?
    private(set) var errors: [ValidationError] = []

    init(file: String, sourceMap: SourceMap?) {
        self.file = file
        self.sourceMap = sourceMap
    }

    /// Reports every key written twice in one object: libbson keeps both, so the server
    /// would see a key that validation never looked at.
    func reportDuplicateKeys() {
        for duplicate in sourceMap?.duplicateKeys ?? [] {
            let key = duplicate.path.components.last.map { component -> String in
                if case .key(let key) = component { return key }
                return ""
            } ?? ""
            errors.append(ValidationError(
                file: file, line: duplicate.line, column: duplicate.column, path: duplicate.path,
                message: "the key `\(key)` is written twice in one object; keep one"))
        }
    }

    func error(_ path: JSONPath, _ message: String) {
        let position = sourceMap?.location(of: path)
        errors.append(ValidationError(file: file, line: position?.line, column: position?.column, path: path, message: message))
    }

    func append(_ other: [ValidationError]) {
        errors += other
    }

    func line(of path: JSONPath) -> Int? {
        sourceMap?.location(of: path)?.line
    }

    /// Names a value for messages: `3 (int)`, `"abc" (string)`.
    static func describe(_ value: BSON) -> String {
        var text = value.extendedJSON(.relaxed)
        if text.count > 80 { text = String(text.prefix(77)) + "…" }
        return "\(text) (\(value.typeAlias == "object" ? "document" : value.typeAlias))"
    }

    /// ``unknown key `fitler` for `find`; did you mean `filter`?``, or the names allowed.
    /// - Parameter context: what the name belongs to, e.g. `` for `find` ``.
    static func unknown(_ what: String, _ name: String, among candidates: [String], context: String = "") -> String {
        let head = "unknown \(what) `\(name)`\(context)"
        if let suggestion = NearestName.suggestion(for: name, among: candidates) {
            return head + "; did you mean `\(suggestion)`?"
        }
        if candidates.isEmpty { return head }
        let list = candidates.count <= 12 ? candidates.map { "`\($0)`" }.joined(separator: ", ") : nil
        return head + (list.map { "; expected one of \($0)" } ?? "")
    }
}

/// Typed reads from one JSON object of an input file; a wrong type is reported once,
/// with what was expected, and read as absent.
struct FieldReader {
    let document: BSONDocument
    let path: JSONPath
    let diagnostics: Diagnostics

    init(_ document: BSONDocument, at path: JSONPath, _ diagnostics: Diagnostics) {
        self.document = document
        self.path = path
        self.diagnostics = diagnostics
    }

    /// Reports every key not in `allowed`, suggesting the nearest allowed one.
    /// - Parameter context: what the keys belong to, e.g. `` for `find` ``.
    func allowOnly(_ allowed: [String], context: String = "") {
        for key in document.keys where !allowed.contains(key) {
            diagnostics.error(path.key(key), Diagnostics.unknown("key", key, among: allowed, context: context))
        }
    }

    func require(_ key: String, _ expected: String) -> BSON? {
        guard let value = document[key] else {
            diagnostics.error(path, "missing required key \"\(key)\" (\(expected))")
            return nil
        }
        return value
    }

    private func typed<T>(_ key: String, required: Bool, _ expected: String, _ convert: (BSON) -> T?) -> T? {
        guard let value = required ? require(key, expected) : document[key] else { return nil }
        guard let converted = convert(value) else {
            diagnostics.error(path.key(key), "expected \(expected), got \(Diagnostics.describe(value))")
            return nil
        }
        return converted
    }

    func string(_ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        typed(key, required: required, nonEmpty ? "a non-empty string" : "a string") { value in
            guard let text = value.stringValue, !nonEmpty || !text.isEmpty else { return nil }
            return text
        }
    }

    func bool(_ key: String) -> Bool? {
        typed(key, required: false, "true or false") { $0.boolValue }
    }

    /// A whole number in `range`; `1.0` counts, `1.5` does not.
    func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int> = 0...Int(Int32.max)) -> Int? {
        typed(key, required: required, "a whole number from \(range.lowerBound) to \(range.upperBound)") { value in
            guard let number = value.integerValue, let int = Int(exactly: number), range.contains(int) else { return nil }
            return int
        }
    }

    func document(_ key: String, required: Bool = false) -> BSONDocument? {
        typed(key, required: required, "a JSON object") { $0.documentValue }
    }

    func array(_ key: String, required: Bool = false) -> [BSON]? {
        typed(key, required: required, "a JSON array") { $0.arrayValue }
    }

    func strings(_ key: String) -> [String]? {
        guard let values = array(key) else { return nil }
        var strings: [String] = []
        for (index, value) in values.enumerated() {
            guard let text = value.stringValue, !text.isEmpty else {
                diagnostics.error(path.key(key).index(index), "expected a non-empty string, got \(Diagnostics.describe(value))")
                continue
            }
            strings.append(text)
        }
        return strings
    }
}
