import Foundation
import Mongo

/// Loads scenario files and validates everything in them — includes, fixture files,
/// steps, variables, live mode's read-only rule — before anything is sent to a server.
public struct ScenarioLoader: Sendable {
    /// `--var name=value`: replaces the file's `vars` of the same name.
    public var variableOverrides: BSONDocument

    public init(variableOverrides: BSONDocument = [:]) {
        self.variableOverrides = variableOverrides
    }

    /// `$schema` is allowed so an editor can be pointed at the schema from the file itself.
    static let topLevelKeys = [
        "$schema", "preflight", "name", "description", "tags", "requires", "database", "mode", "vars", "include", "fixtures",
        "procedures", "checks", "tests", "allowEmpty", "services", "readPreference",
    ]
    static let testKeys = ["name", "description", "tags", "skip", "repeat", "steps", "expectCollections", "checks"]

    /// Loads one scenario file.
    /// - Throws: `ValidationFailure` with every problem found, each located.
    public func load(_ file: String) throws(ValidationFailure) -> Scenario {
        let input = try InputText.object(of: file, kind: "a scenario")
        return try load(input.document, file: file, bytes: input.input.bytes, keysAreDistinct: input.input.keysAreDistinct)
    }

    /// - Parameter keysAreDistinct: the reader of `bytes` found no key written twice.
    func load(_ document: BSONDocument, file: String, bytes: [UInt8], keysAreDistinct: Bool = false) throws(ValidationFailure) -> Scenario {
        let diagnostics = Diagnostics(file: file, sourceMap: SourceMap(bytes, keysAreDistinct: keysAreDistinct))
        diagnostics.reportDuplicateKeys()
        let reader = FieldReader(document, at: .root, diagnostics)
        reader.allowOnly(Self.topLevelKeys)
        Self.checkVersion(reader)
        let name = reader.string("name", required: true) ?? ""
        Redaction.checkPrinted(name, at: JSONPath.root.key("name"), diagnostics)
        let mode: Scenario.Mode
        switch reader.string("mode") ?? "sandbox" {
        case "live": mode = .live
        case "sandbox": mode = .sandbox
        case let other:
            diagnostics.error(JSONPath.root.key("mode"), "expected \"sandbox\" or \"live\", got \"\(other)\"")
            mode = .sandbox
        }
        let database = reader.string("database") ?? "preflight"
        if let problem = DatabaseName.problem(database) { diagnostics.error(JSONPath.root.key("database"), problem) }
        var vars = reader.document("vars") ?? [:]
        let declaredVars = Set(vars.keys)
        for (key, value) in variableOverrides { vars[key] = value }
        for key in vars.keys where !VariableName.isValid(key) {
            diagnostics.error(JSONPath.root.key("vars").key(key), "\"\(key)\" is not a variable name: use letters, digits and _, starting with a letter or _")
        }
        if vars[VariableName.builtIn] != nil {
            diagnostics.error(JSONPath.root.key("vars").key(VariableName.builtIn), "`\(VariableName.builtIn)` is Preflight's own variable (preflight.uri, preflight.database, preflight.ports.NAME); choose another name")
        }
        vars = VariableDefinitions.resolve(vars, at: JSONPath.root.key("vars"), diagnostics)
        // A variable named like a secret (`--var apiToken=…` too) is one, nested values and all.
        Redaction.learn(.document(vars))
        let requires = Self.requirements(reader.document("requires"), diagnostics)
        let allowEmpty = AllowEmpty.reason(document["allowEmpty"], at: JSONPath.root.key("allowEmpty"), diagnostics)
        if allowEmpty != nil && mode != .live {
            diagnostics.error(JSONPath.root.key("allowEmpty"), "\"allowEmpty\" is for live files, whose collections must hold documents; a sandbox file's data is its fixtures")
        }
        let description = reader.string("description", nonEmpty: false)
        let tags = reader.strings("tags") ?? []
        for (index, tag) in tags.enumerated() { Redaction.checkPrinted(tag, as: "a tag", at: JSONPath.root.key("tags").index(index), diagnostics) }

        // Includes first: their procedures and checks are needed to validate the steps.
        // Absolute first: corelibs Foundation drops a leading `..` when standardizing a
        // relative URL, which would lose `../lib/billing.json` run from inside a folder.
        let directory = URL(fileURLWithPath: file).absoluteURL.deletingLastPathComponent()
        let libraries = Self.libraries(reader.strings("include") ?? [], from: directory, diagnostics)
        let sources = NamedSources(libraries: libraries, scenario: document, file: file, diagnostics: diagnostics)

        var context = StepParser.Context(
            live: mode == .live, logicalDatabase: database, failPointsDeclared: requires.failPoints,
            procedures: Dictionary(sources.procedures.map { ($0.name, $0.params) }, uniquingKeysWith: { first, _ in first }),
            checks: Set(sources.checks.map(\.name)), file: file)
        // Known before any step is read: a step may name a service's port.
        context.serviceNames = mode == .sandbox
            ? Set((document["services"]?.arrayValue ?? []).compactMap { $0.documentValue?["name"]?.stringValue }) : nil
        // Procedures and checks see the variables around the step that runs them: the
        // file's, and whatever any step of the file saves.
        // Sandbox files also have `preflight`: the sandbox's connection and their services' ports.
        let globals = Set(vars.keys).union(mode == .sandbox ? [VariableName.builtIn] : [])
        // `vars` and `fixtures` are data, never steps: not walked. A file with neither
        // procedures nor checks, of its own or included, has no use for the names, and is
        // not walked at all.
        var everySaved: Set<String> = []
        if !sources.procedures.isEmpty || !sources.checks.isEmpty {
            let stepHolders = BSONDocument(document.elements.filter { $0.key != "vars" && $0.key != "fixtures" }.map { ($0.key, $0.value) })
            everySaved = Self.savedNames(in: .document(stepHolders)).union(
                sources.procedures.reduce(into: Set<String>()) { $0.formUnion(Self.savedNames(in: $1.steps ?? .null)) })
        }
        let procedures = Self.procedures(sources.procedures, context: &context, scope: globals.union(everySaved))
        let checks = Self.checks(sources.checks, context: context, scope: globals.union(everySaved))
        // A library's problems are reported under its own file name.
        for library in sources.libraryDiagnostics { diagnostics.append(library.errors) }

        context.file = file
        let fixtures = Self.fixtures(
            reader.document("fixtures"), mode: mode, directory: directory, diagnostics,
            parser: StepParser(diagnostics, context: context), globals: globals)
        let tests = Self.tests(reader, context: context, globals: globals, checks: Set(checks.keys))
        let services = Self.services(document["services"], parser: StepParser(diagnostics, context: context), globals: globals)

        var readPreference: ReadPreference?
        if let value = document["readPreference"] {
            if mode == .live {
                readPreference = StepParser(diagnostics, context: context).readPreference(value, at: JSONPath.root.key("readPreference"))
            } else {
                diagnostics.error(JSONPath.root.key("readPreference"), StepParser.sandboxReadPreference)
            }
        }
        if !diagnostics.errors.isEmpty { throw ValidationFailure(diagnostics.errors) }
        var scenario = Scenario(
            file: file, name: name, description: description, tags: tags,
            requires: requires, database: database, mode: mode, vars: vars, fixtures: fixtures, procedures: procedures,
            checks: checks, tests: tests, allowEmpty: allowEmpty, services: services, declaredVars: declaredVars)
        scenario.readPreference = readPreference
        return scenario
    }

    static func checkVersion(_ reader: FieldReader) {
        guard let version = reader.require("preflight", "the format version, 1") else { return }
        if version.integerValue != 1 {
            reader.diagnostics.error(JSONPath.root.key("preflight"), "this Preflight reads format version 1, got \(Diagnostics.describe(version))")
        }
    }

    private static func requirements(_ document: BSONDocument?, _ diagnostics: Diagnostics) -> Requirements {
        guard let document else { return Requirements() }
        let path = JSONPath.root.key("requires")
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(["minServerVersion", "maxServerVersion", "topologies", "failPoints"])
        var requires = Requirements(failPoints: reader.bool("failPoints") ?? false)
        for key in ["minServerVersion", "maxServerVersion"] {
            guard let version = reader.string(key) else { continue }
            if version.split(separator: ".").isEmpty || !version.split(separator: ".").allSatisfy({ Int($0) != nil }) {
                diagnostics.error(path.key(key), "expected a version such as \"6.0\", got \"\(version)\"")
            }
            if key == "minServerVersion" { requires.minServerVersion = version } else { requires.maxServerVersion = version }
        }
        if let topologies = reader.strings("topologies") {
            for (index, topology) in topologies.enumerated() where !["single", "replicaset", "sharded"].contains(topology) {
                diagnostics.error(path.key("topologies").index(index), Diagnostics.unknown("topology", topology, among: ["single", "replicaset", "sharded"]))
            }
            requires.topologies = topologies
        }
        return requires
    }

    /// Every name a `save` or a `forEach … as` defines anywhere under `value`. An `as`
    /// anywhere else (on an operation, which may pass other keys to the server) names nothing.
    static func savedNames(in value: BSON) -> Set<String> {
        var names: Set<String> = []
        // A file saves under a few names, step after step: the last one is not hashed again.
        var last: String?
        func visit(_ value: BSON) {
            switch value {
            case .document(let document):
                if let (key, kind) = document.elements.lazy.compactMap({ element in
                    StepParser.actionKind(of: element.key).map { (element.key, $0) }
                }).first {
                    switch document["save"] {
                    case .string(let name)? where name != last:
                        names.insert(name)
                        last = name
                    case .document(let pairs)?: names.formUnion(pairs.keys)
                    default: break
                    }
                    // An operation's arguments and expectations hold data, not steps.
                    if case .operation = kind { return }
                    if key == "forEach", let element = document["as"]?.stringValue { names.insert(element) }
                }
                for element in document.elements where element.value.isContainer { visit(element.value) }
            case .array(let elements):
                for element in elements where element.isContainer { visit(element) }
            default:
                break
            }
        }
        visit(value)
        return names
    }

    /// A path for messages: relative to the working directory when under it.
    static func displayPath(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
    }
}
