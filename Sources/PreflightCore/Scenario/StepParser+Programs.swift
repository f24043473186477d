import Foundation
import Mongo

/// `exec` and `http` steps, and the program lines `services` share with `exec`: what is
/// checked before anything runs (the program exists, the directory exists, the URL is one
/// Preflight can send), and why neither goes into a live file.
extension StepParser {
    static let programRefusal =
        "runs a program or sends a request, which could write anywhere: a live file may only read, so `exec`, `http` and `services` belong in sandbox files"

    func exec(_ reader: FieldReader, scope: inout Set<String>) -> ExecStep? {
        let path = reader.path, document = reader.document
        reader.allowOnly(["exec", "env", "cwd", "stdin", "timeoutMS", "expect", "save", "name"], context: " for `exec`")
        if context.live {
            diagnostics.error(path.key("exec"), "`exec` " + Self.programRefusal)
            return nil
        }
        let directory = workingDirectory(reader.string("cwd"), at: path.key("cwd"))
        guard let arguments = commandLine(reader.array("exec", required: true), at: path.key("exec"), directory: directory, scope: scope)
        else { return nil }
        let environment = environment(reader.document("env"), at: path.key("env"), scope: scope)
        if let stdin = document["stdin"] {
            if stdin.stringValue == nil && !VariableName.isReference(stdin) {
                diagnostics.error(path.key("stdin"), "expected the text to write to the program's standard input (a string or {\"$$var\": …}), got \(Diagnostics.describe(stdin))")
            }
            substitutions(in: stdin, at: path.key("stdin"), scope: scope, expectation: false)
        }
        let expect = resultExpectation(document["expect"], at: path.key("expect"), keys: ExecStep.resultKeys, scope: scope)
        let save = programSave(document["save"], at: path.key("save"), keys: ExecStep.resultKeys)
        if let save { scope.formUnion(save.variables) }
        return ExecStep(
            arguments: arguments, environment: environment, directory: directory ?? "/", stdin: document["stdin"],
            timeoutMS: reader.integer("timeoutMS", in: 1...3_600_000) ?? ExecStep.defaultTimeoutMS, expect: expect, save: save)
    }

    func http(_ reader: FieldReader, scope: inout Set<String>) -> HTTPStep? {
        let path = reader.path, document = reader.document
        reader.allowOnly(["http", "url", "headers", "json", "body", "timeoutMS", "expect", "save", "name"], context: " for `http`")
        if context.live {
            diagnostics.error(path.key("http"), "`http` " + Self.programRefusal)
            return nil
        }
        guard let method = reader.string("http", required: true) else { return nil }
        if !HTTPStep.methods.contains(method) {
            diagnostics.error(path.key("http"), Diagnostics.unknown("method", method, among: HTTPStep.methods) + " (the method in capitals)")
        }
        guard let url = reader.string("url", required: true) else { return nil }
        checkURL(url, at: path.key("url"), scope: scope)
        var headers = BSONDocument()
        if let written = reader.document("headers") {
            for (name, value) in written {
                let valid = !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
                if !valid { diagnostics.error(path.key("headers").key(name), "\"\(name)\" is not an HTTP header name") }
                if ["host", "content-length", "connection", "transfer-encoding"].contains(name.lowercased()) {
                    diagnostics.error(path.key("headers").key(name), "Preflight sets `\(name)` itself")
                }
                if value.stringValue == nil && !VariableName.isReference(value) {
                    diagnostics.error(path.key("headers").key(name), "expected the header's value as a string or {\"$$var\": …}, got \(Diagnostics.describe(value))")
                } else if let text = value.stringValue, text.contains(where: { $0 == "\r" || $0 == "\n" }) {
                    diagnostics.error(path.key("headers").key(name), "a header value cannot hold a line break")
                }
                headers.append(name, value)
            }
            substitutions(in: .document(headers), at: path.key("headers"), scope: scope, expectation: false)
        }
        var body: HTTPStep.Body?
        if let json = document["json"] {
            if document["body"] != nil {
                diagnostics.error(path, "an `http` step sends `json` or `body`, not both")
            }
            substitutions(in: json, at: path.key("json"), scope: scope, expectation: false)
            body = .json(json)
        } else if let text = document["body"] {
            if text.stringValue == nil && !VariableName.isReference(text) {
                diagnostics.error(path.key("body"), "expected the request body as a string (or `json` for a JSON body), got \(Diagnostics.describe(text))")
            }
            substitutions(in: text, at: path.key("body"), scope: scope, expectation: false)
            body = .text(text)
        }
        if body != nil && ["GET", "HEAD"].contains(method) {
            diagnostics.error(path, "a \(method) request carries no body")
        }
        let expect = resultExpectation(document["expect"], at: path.key("expect"), keys: HTTPStep.resultKeys, scope: scope)
        let save = programSave(document["save"], at: path.key("save"), keys: HTTPStep.resultKeys)
        if let save { scope.formUnion(save.variables) }
        return HTTPStep(
            method: method, url: url, headers: headers, body: body,
            timeoutMS: reader.integer("timeoutMS", in: 1...3_600_000) ?? HTTPStep.defaultTimeoutMS, expect: expect, save: save)
    }

    /// `save` for a result whose keys are known: a path must start at one of them.
    private func programSave(_ value: BSON?, at path: JSONPath, keys: [String]) -> SaveTarget? {
        guard let save = value.flatMap({ saveTarget($0, at: path) }) else { return nil }
        if case .paths(let pairs) = save {
            for (variable, resultPath) in pairs {
                let first = String(resultPath.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
                if !keys.contains(first) {
                    diagnostics.error(path.key(variable), Diagnostics.unknown("result key", first, among: keys, context: " in \"\(resultPath)\""))
                }
            }
        }
        return save
    }

    /// An `expect` for a program's or a request's result: an object naming the result's
    /// keys, each matched as a step's `expect` is.
    private func resultExpectation(_ value: BSON?, at path: JSONPath, keys: [String], scope: Set<String>) -> BSON? {
        guard let value else { return nil }
        guard let document = value.documentValue else {
            diagnostics.error(path, "expected an object naming parts of the result (\(keys.joined(separator: ", "))), got \(Diagnostics.describe(value))")
            return nil
        }
        for key in document.keys where !keys.contains(key) {
            diagnostics.error(path.key(key), Diagnostics.unknown("result key", key, among: keys))
        }
        expectation(value, at: path, scope: scope)
        return value
    }

    /// The directory a program runs in: `cwd` relative to the file that names it, which
    /// must exist. Nil (reported) when it does not; the file's own directory when unwritten.
    func workingDirectory(_ written: String?, at path: JSONPath) -> String? {
        let fileDirectory = URL(fileURLWithPath: context.file).absoluteURL.deletingLastPathComponent().path
        guard let written else { return Self.lexical(fileDirectory) }
        let directory = Self.lexical(written.hasPrefix("/") ? written : fileDirectory + "/" + written)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.error(path, "the directory \"\(written)\" does not exist (looked for \(directory), relative to the file that names it)")
            return nil
        }
        return directory
    }

    /// `path` with `.` and `..` taken away by name, as `cd` does, without resolving
    /// symbolic links: the directory reads as the file wrote it.
    static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A program and its arguments: the program a literal that exists, as a shell would
    /// find it from `directory`; each argument a string, an integer, or `$$var`.
    func commandLine(_ array: [BSON]?, at path: JSONPath, directory: String?, scope: Set<String>) -> [BSON]? {
        guard let array else { return nil }
        guard let program = array.first?.stringValue, !program.isEmpty else {
            diagnostics.error(array.isEmpty ? path : path.index(0), array.isEmpty
                ? "expected the program and its arguments, such as [\"python3\", \"-m\", \"billing\"]; got an empty list"
                : "the program must be written out as a string, so `preflight check` can say what a file runs; got \(Diagnostics.describe(array[0]))")
            return nil
        }
        if let directory, let problem = Self.programProblem(program, directory: directory) {
            diagnostics.error(path.index(0), problem)
        }
        for (index, argument) in array.enumerated().dropFirst() {
            switch argument {
            case .string, .int32, .int64: break
            case _ where VariableName.isReference(argument):
                substitutions(in: argument, at: path.index(index), scope: scope, expectation: false)
            default:
                diagnostics.error(path.index(index), "expected an argument as a string, a whole number or {\"$$var\": …}, got \(Diagnostics.describe(argument))")
            }
        }
        return array
    }

    /// Why `program` cannot be started from `directory`, or nil when it can: a path is
    /// taken from the directory, a bare name is looked for on PATH.
    static func programProblem(_ program: String, directory: String) -> String? {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if program.contains("/") {
            // Taken from the directory as the kernel does, symbolic links and all.
            let full = program.hasPrefix("/") ? program : directory + "/" + program
            guard manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
                return program.hasPrefix("/")
                    ? "no program at \"\(program)\""
                    : "no program at \"\(program)\" (looked for \(full), relative to the directory it runs in)"
            }
            return manager.isExecutableFile(atPath: full) ? nil : "\"\(program)\" (\(full)) is not executable"
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for entry in searchPath.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(entry)).appendingPathComponent(program).path
            if manager.isExecutableFile(atPath: candidate), manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return nil
            }
        }
        return "no program \"\(program)\" on PATH (\(searchPath))"
    }

    /// `env`: names a shell would accept, values strings or `$$var`; PREFLIGHT_* is
    /// Preflight's to set.
    func environment(_ document: BSONDocument?, at path: JSONPath, scope: Set<String>) -> BSONDocument {
        guard let document else { return [:] }
        for (name, value) in document {
            let valid = name.first.map { $0 == "_" || $0.isASCII && $0.isLetter } == true
                && name.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }
            if !valid {
                diagnostics.error(path.key(name), "\"\(name)\" is not an environment variable name: use letters, digits and _, starting with a letter or _")
            } else if name.hasPrefix("PREFLIGHT_") {
                diagnostics.error(path.key(name), "\(name) is set by Preflight itself (PREFLIGHT_URI, PREFLIGHT_DATABASE, PREFLIGHT_PORT)")
            }
            if value.stringValue == nil && !VariableName.isReference(value) {
                diagnostics.error(path.key(name), "expected the variable's value as a string or {\"$$var\": …}, got \(Diagnostics.describe(value))")
            }
        }
        substitutions(in: .document(document), at: path, scope: scope, expectation: false)
        return document
    }

    /// A URL Preflight can send to: `http://host[:port]/…`, where `{name}` stands for a
    /// variable known here.
    func checkURL(_ url: String, at path: JSONPath, scope: Set<String>) {
        // Each placeholder is checked, and stands as a port number would for the URL's shape.
        let filled = URLTemplate.filled(url) { name in
            if !scope.contains(VariableName.root(of: name)) || name.isEmpty {
                diagnostics.error(path, Diagnostics.unknown("variable", name, among: scope.sorted(), context: " in the URL"))
            } else if VariableName.root(of: name) == VariableName.builtIn, let problem = builtInProblem(name) {
                diagnostics.error(path, problem)
            }
            return "1"
        }
        guard let filled else {
            diagnostics.error(path, "\"{\" without its \"}\" in the URL: a placeholder is written {variable}, such as {preflight.ports.api}")
            return
        }
        if filled.hasPrefix("https://") {
            diagnostics.error(path, "Preflight sends plain http:// to the services a scenario starts; https is not supported")
        } else if HTTPClient.parse(filled) == nil {
            diagnostics.error(path, "expected a URL such as \"http://127.0.0.1:{preflight.ports.api}/api/orders\", got \"\(url)\"")
        }
    }
}
