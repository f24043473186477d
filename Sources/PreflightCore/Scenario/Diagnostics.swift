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
        // Messages go to the console and the report: a quoted value loses its secrets too.
        let text = Redaction.redact(value).extendedJSON(.relaxed).clipped(to: 80)
        return "\(text) (\(value.typeAlias == "object" ? "document" : value.typeAlias))"
    }

    /// ``unknown key `fitler` for `find`; did you mean `filter`?``, or the names allowed.
    /// - Parameter context: what the name belongs to, e.g. `` for `find` ``.
    static func unknown(_ what: String, _ name: String, among candidates: [String], context: String = "") -> String {
        let head = "unknown \(what) `\(name.clipped(to: 80))`\(context)"
        if let suggestion = NearestName.suggestion(for: name, among: candidates) {
            return head + "; did you mean `\(suggestion)`?"
        }
        if candidates.isEmpty { return head }
        let list = candidates.count <= 12 ? candidates.map { "`\($0)`" }.joined(separator: ", ") : nil
        return head + (list.map { "; expected one of \($0)" } ?? "")
    }
}
