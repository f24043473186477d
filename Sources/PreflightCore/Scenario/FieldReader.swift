import Mongo

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

    /// Reads each element of `values` that is a JSON object, at `path[index]`, in order;
    /// any other element is reported as not `expected` ("a test (a JSON object …)") and
    /// skipped. Tests, steps, services, fixture documents and reachability rules are lists
    /// of objects read this way.
    static func eachObject(
        in values: [BSON], at path: JSONPath, _ diagnostics: Diagnostics, expected: @autoclosure () -> String,
        _ body: (FieldReader) -> Void
    ) {
        for (index, element) in values.enumerated() {
            guard let document = element.documentValue else {
                diagnostics.error(path.index(index), "expected \(expected()), got \(Diagnostics.describe(element))")
                continue
            }
            body(FieldReader(document, at: path.index(index), diagnostics))
        }
    }

    /// Reports every key not in `allowed`, suggesting the nearest allowed one.
    /// - Parameter context: what the keys belong to, e.g. `` for `find` ``.
    /// - Parameter context: made only for a message.
    func allowOnly(_ allowed: [String], context: @autoclosure () -> String = "") {
        for (key, _) in document.elements where !allowed.contains(key) {
            diagnostics.error(path.key(key), Diagnostics.unknown("key", key, among: allowed, context: context()))
        }
    }

    func require(_ key: String, _ expected: @autoclosure () -> String) -> BSON? {
        guard let value = document[key] else {
            diagnostics.error(path, "missing required key \"\(key)\" (\(expected()))")
            return nil
        }
        return value
    }

    /// - Parameter expected: made only for a message; most reads need none.
    private func typed<T>(_ key: String, required: Bool, _ expected: @autoclosure () -> String, _ convert: (BSON) -> T?) -> T? {
        guard let value = required ? require(key, expected()) : document[key] else { return nil }
        guard let converted = convert(value) else {
            diagnostics.error(path.key(key), "expected \(expected()), got \(Diagnostics.describe(value))")
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
