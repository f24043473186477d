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

    static let topLevelKeys = [
        "preflight", "name", "description", "tags", "requires", "database", "mode", "vars", "include", "fixtures",
        "procedures", "checks", "tests",
    ]
    static let testKeys = ["name", "description", "tags", "skip", "repeat", "steps", "expectCollections", "checks"]

    /// Loads one scenario file.
    /// - Throws: `ValidationFailure` with every problem found, each located.
    public func load(_ file: String) throws(ValidationFailure) -> Scenario {
        let input: InputText
        do { input = try InputText.read(file) } catch { throw ValidationFailure([error]) }
        guard let document = input.value.documentValue else {
            throw ValidationFailure([ValidationError(file: file, line: 1, column: 1, message: "expected a scenario (a JSON object), got a JSON array")])
        }
        return try load(document, file: file, bytes: input.bytes)
    }

    func load(_ document: BSONDocument, file: String, bytes: [UInt8]) throws(ValidationFailure) -> Scenario {
        let diagnostics = Diagnostics(file: file, sourceMap: SourceMap(bytes))
        diagnostics.reportDuplicateKeys()
        let reader = FieldReader(document, at: .root, diagnostics)
        reader.allowOnly(Self.topLevelKeys)
        Self.checkVersion(reader)
        let name = reader.string("name", required: true) ?? ""
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
        for (key, value) in variableOverrides { vars[key] = value }
        for key in vars.keys where !VariableName.isValid(key) {
            diagnostics.error(JSONPath.root.key("vars").key(key), "\"\(key)\" is not a variable name: use letters, digits and _, starting with a letter or _")
        }
        let requires = Self.requirements(reader.document("requires"), diagnostics)
        let description = reader.string("description", nonEmpty: false)
        let tags = reader.strings("tags") ?? []

        // Includes first: their procedures and checks are needed to validate the steps.
        // Absolute first: corelibs Foundation drops a leading `..` when standardizing a
        // relative URL, which would lose `../lib/billing.json` run from inside a folder.
        let directory = URL(fileURLWithPath: file).absoluteURL.deletingLastPathComponent()
        var libraries: [Library] = []
        for (index, include) in (reader.strings("include") ?? []).enumerated() {
            let includePath = Self.displayPath(directory.appendingPathComponent(include).standardized.path)
            let at = JSONPath.root.key("include").index(index)
            do {
                guard FileManager.default.fileExists(atPath: includePath) else {
                    diagnostics.error(at, "no such file: \(includePath) (include paths are relative to this file)")
                    continue
                }
                guard let library = try Library.load(includePath) else {
                    diagnostics.error(at, "\(includePath) is a scenario, not a library: only library files ({\"preflight\": 1, \"library\": \"name\", \"procedures\": …}) can be included")
                    continue
                }
                if libraries.contains(where: { $0.name == library.name }) {
                    diagnostics.error(JSONPath.root.key("include").index(index), "the library \"\(library.name)\" is included twice")
                } else {
                    libraries.append(library)
                }
            } catch {
                diagnostics.append(error.errors)
            }
        }

        var libraryDiagnosticsList: [Diagnostics] = []
        var procedureSources: [(name: String, params: [String], steps: BSON?, path: JSONPath, diagnostics: Diagnostics, file: String)] = []
        var checkSources: [(name: String, document: BSONDocument, path: JSONPath, diagnostics: Diagnostics, file: String)] = []
        for library in libraries {
            let libraryDiagnostics = Diagnostics(file: library.file, sourceMap: library.sourceMap)
            libraryDiagnostics.append(library.errors)
            libraryDiagnosticsList.append(libraryDiagnostics)
            for procedure in Library.procedures(library.document, diagnostics: libraryDiagnostics) {
                procedureSources.append((library.name + "." + procedure.name, procedure.params, procedure.steps, procedure.path, libraryDiagnostics, library.file))
            }
            for check in Library.checks(library.document, diagnostics: libraryDiagnostics) {
                checkSources.append((library.name + "." + check.name, check.document, check.path, libraryDiagnostics, library.file))
            }
        }
        for procedure in Library.procedures(document, diagnostics: diagnostics) {
            procedureSources.append((procedure.name, procedure.params, procedure.steps, procedure.path, diagnostics, file))
        }
        for check in Library.checks(document, diagnostics: diagnostics) {
            checkSources.append((check.name, check.document, check.path, diagnostics, file))
        }

        var context = StepParser.Context(
            live: mode == .live, logicalDatabase: database, failPointsDeclared: requires.failPoints,
            procedures: Dictionary(procedureSources.map { ($0.name, $0.params) }, uniquingKeysWith: { first, _ in first }),
            checks: Set(checkSources.map(\.name)), file: file)
        // Procedures and checks see the variables around the step that runs them: the
        // file's, and whatever any step of the file saves.
        let globals = Set(vars.keys)
        let everySaved = Self.savedNames(in: .document(document)).union(
            procedureSources.reduce(into: Set<String>()) { $0.formUnion(Self.savedNames(in: $1.steps ?? .null)) })

        var procedures: [String: Procedure] = [:]
        for source in procedureSources {
            context.file = source.file
            let parser = StepParser(source.diagnostics, context: context)
            var scope = globals.union(everySaved).union(source.params)
            let steps = parser.steps(source.steps, at: source.path.key("steps"), scope: &scope)
            procedures[source.name] = Procedure(name: source.name, params: source.params, steps: steps)
        }
        // Now that the procedures' steps are known: refuse runs that never end, and
        // transactions that reach another transaction or a `parallel` step through `run`.
        let graph = ProcedureGraph(procedures)
        context.transactionalProcedures = graph.transactional
        for source in procedureSources {
            if let cycle = graph.cycle(from: source.name) {
                source.diagnostics.error(source.path, "the procedure `\(source.name)` runs itself (\(cycle.joined(separator: " → "))), so it would never end")
            }
            StepParser(source.diagnostics, context: context).checkRunsInTransactions(procedures[source.name]?.steps ?? [])
        }
        var checks: [String: OperationStep] = [:]
        for source in checkSources {
            context.file = source.file
            let parser = StepParser(source.diagnostics, context: context)
            var scope = globals.union(everySaved)
            guard let step = parser.step(source.document, at: source.path, scope: &scope) else { continue }
            guard case .operation(let operation) = step.kind, operation.action.isRead || operation.action == .command else {
                source.diagnostics.error(source.path, "a check is one read operation (find, aggregate, count, distinct) with an \"expect\"")
                continue
            }
            let writes = operation.action == .command
                ? !OperationAction.readOnlyCommands.contains(operation.commandName ?? "") || StepParser.pipelineWrites(operation.arguments["pipeline"])
                : StepParser.pipelineWrites(operation.arguments["pipeline"])
            if writes {
                source.diagnostics.error(source.path, "a check is one read operation (find, aggregate, count, distinct) with an \"expect\"; this one writes")
            }
            if operation.expect == nil { source.diagnostics.error(source.path, "a check needs an \"expect\": it is an assertion") }
            if operation.save != nil { source.diagnostics.error(source.path.key("save"), "a check only asserts; it cannot save variables") }
            checks[source.name] = operation
        }
        // A library's problems are reported under its own file name.
        for library in libraryDiagnosticsList { diagnostics.append(library.errors) }

        context.file = file
        let fixtures = Self.fixtures(
            reader.document("fixtures"), mode: mode, directory: directory, diagnostics,
            parser: StepParser(diagnostics, context: context), globals: globals)
        let tests = Self.tests(reader, context: context, globals: globals, checks: Set(checks.keys))

        if !diagnostics.errors.isEmpty { throw ValidationFailure(diagnostics.errors) }
        return Scenario(
            file: file, name: name, description: description, tags: tags,
            requires: requires, database: database, mode: mode, vars: vars, fixtures: fixtures, procedures: procedures,
            checks: checks, tests: tests)
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

    /// Every name a `save` or a `forEach … as` defines anywhere under `value`.
    static func savedNames(in value: BSON) -> Set<String> {
        var names: Set<String> = []
        func visit(_ value: BSON) {
            switch value {
            case .document(let document):
                if document.keys.contains(where: { StepParser.actionKeys.contains($0) }) {
                    if let name = document["save"]?.stringValue { names.insert(name) }
                    if let pairs = document["save"]?.documentValue { names.formUnion(pairs.keys) }
                    if let element = document["as"]?.stringValue { names.insert(element) }
                }
                document.values.forEach(visit)
            case .array(let elements):
                elements.forEach(visit)
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
