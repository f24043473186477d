import Mongo

/// A library file: procedures and checks shared by scenarios, named `library.name` where
/// they are used. `{"preflight": 1, "library": "billing", "procedures": {…}, "checks": {…}}`
struct Library {
    let name: String
    let file: String
    let document: BSONDocument
    let sourceMap: SourceMap
    /// Problems in the file's own structure; its steps are checked in each including scenario.
    let errors: [ValidationError]

    /// Reads a library file.
    /// - Returns: nil when the file is a scenario, which the including file must report.
    /// - Throws: `ValidationFailure` for problems in the library file itself.
    static func load(_ file: String) throws(ValidationFailure) -> Library? {
        let input: InputText
        do { input = try InputText.read(file) } catch { throw ValidationFailure([error]) }
        return try load(input)
    }

    /// A library from a file already read (the catalog has read every file once).
    static func load(_ input: InputText) throws(ValidationFailure) -> Library? {
        let file = input.file
        let sourceMap = input.sourceMap
        let diagnostics = Diagnostics(file: file, sourceMap: sourceMap)
        diagnostics.reportDuplicateKeys()
        guard let document = input.value.documentValue else {
            throw ValidationFailure([ValidationError(file: file, line: 1, column: 1, message: "expected a library (a JSON object), got a JSON array")])
        }
        let reader = FieldReader(document, at: .root, diagnostics)
        if document["tests"] != nil && document["library"] == nil { return nil }
        reader.allowOnly(["$schema", "preflight", "library", "description", "procedures", "checks"])
        ScenarioLoader.checkVersion(reader)
        let name = reader.string("library", required: true) ?? ""
        if !name.isEmpty && !VariableName.isValid(name) {
            diagnostics.error(JSONPath.root.key("library"), "\"\(name)\" cannot name a library: use letters, digits and _")
        }
        return Library(name: name, file: file, document: document, sourceMap: sourceMap, errors: diagnostics.errors)
    }

    /// The `procedures` of a scenario or library file, their steps still unparsed.
    static func procedures(_ document: BSONDocument, diagnostics: Diagnostics) -> [(name: String, params: [String], steps: BSON?, path: JSONPath)] {
        let path = JSONPath.root.key("procedures")
        guard let procedures = FieldReader(document, at: .root, diagnostics).document("procedures") else { return [] }
        var out: [(name: String, params: [String], steps: BSON?, path: JSONPath)] = []
        for (name, value) in procedures {
            let procedurePath = path.key(name)
            if !VariableName.isValid(name) {
                diagnostics.error(procedurePath, "\"\(name)\" cannot name a procedure: use letters, digits and _")
            }
            guard let body = value.documentValue else {
                diagnostics.error(procedurePath, "expected {\"params\": [...], \"steps\": [...]}, got \(Diagnostics.describe(value))")
                continue
            }
            let reader = FieldReader(body, at: procedurePath, diagnostics)
            reader.allowOnly(["params", "steps", "description"])
            let params = reader.strings("params") ?? []
            for (index, param) in params.enumerated() where !VariableName.isValid(param) {
                diagnostics.error(procedurePath.key("params").index(index), "\"\(param)\" is not a variable name")
            }
            // Its type is the step parser's to report, once.
            _ = reader.require("steps", "a JSON array")
            out.append((name, params, body["steps"], procedurePath))
        }
        return out
    }

    /// The `checks` of a scenario or library file: each one read step.
    static func checks(_ document: BSONDocument, diagnostics: Diagnostics) -> [(name: String, document: BSONDocument, path: JSONPath)] {
        let path = JSONPath.root.key("checks")
        guard let checks = FieldReader(document, at: .root, diagnostics).document("checks") else { return [] }
        var out: [(name: String, document: BSONDocument, path: JSONPath)] = []
        for (name, value) in checks {
            guard let body = value.documentValue else {
                diagnostics.error(path.key(name), "expected a read step such as {\"count\": \"orders\", \"filter\": {…}, \"expect\": 0}, got \(Diagnostics.describe(value))")
                continue
            }
            out.append((name, body, path.key(name)))
        }
        return out
    }
}
