import Mongo

extension CaptureScenarioWriter {
    /// What in `document` the fixture loader's insert would refuse, said as the end of a
    /// sentence ("has a field with an empty name inside meta"); nil when it inserts.
    ///
    /// The server took the document, but a scenario loads its fixtures with libmongoc's
    /// `insert_many`, whose default validation (libmongoc 1.23: `BSON_VALIDATE_UTF8 |
    /// BSON_VALIDATE_UTF8_ALLOW_NULL | BSON_VALIDATE_EMPTY_KEYS`) refuses an empty key at any
    /// depth, and with the Mongo module's encoder, which refuses what libbson would store
    /// cut short or changed: a NUL byte in a regular expression, JavaScript code or a
    /// DBPointer's collection, and regular expression options BSON does not define. Dots and
    /// `$` in keys insert, and strings are valid UTF-8 once they are Swift strings.
    static func insertProblem(in document: BSONDocument) -> String? {
        problem(in: .document(document), at: [])
    }

    private static func problem(in value: BSON, at path: [String]) -> String? {
        let location = path.isEmpty ? "the top level" : path.joined(separator: ".")
        switch value {
        case .document(let document):
            for (key, element) in document {
                if key.isEmpty { return "has a field with an empty name " + (path.isEmpty ? "at the top level" : "inside \(location)") }
                if let found = problem(in: element, at: path + [key]) { return found }
            }
            return nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = problem(in: element, at: path + [String(index)]) { return found }
            }
            return nil
        case .regex(let pattern, let options):
            if (pattern + options).utf8.contains(0) { return "holds a NUL byte in the regular expression at \(location)" }
            if let unknown = options.first(where: { !"ilmsux".contains($0) }) {
                return "has the regular expression option \"\(unknown)\" at \(location), which BSON does not define"
            }
            return nil
        case .javascript(let code):
            return code.utf8.contains(0) ? "holds a NUL byte in the JavaScript code at \(location)" : nil
        case .javascriptWithScope(let code, let scope):
            if code.utf8.contains(0) { return "holds a NUL byte in the JavaScript code at \(location)" }
            return problem(in: .document(scope), at: path)
        case .dbPointer(let ref, _):
            return ref.utf8.contains(0) ? "holds a NUL byte in the DBPointer at \(location)" : nil
        default:
            return nil
        }
    }
}
