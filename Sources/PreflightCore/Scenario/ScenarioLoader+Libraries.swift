import Foundation
import Mongo

extension ScenarioLoader {
    /// The libraries `include` names, each read once; a missing file, a scenario named as
    /// a library, or a library included twice is reported at its `include` entry.
    static func libraries(_ includes: [String], from directory: URL, _ diagnostics: Diagnostics) -> [Library] {
        var libraries: [Library] = []
        for (index, include) in includes.enumerated() {
            let includePath = displayPath(directory.appendingPathComponent(include).standardized.path)
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
                    diagnostics.error(at, "the library \"\(library.name)\" is included twice")
                } else {
                    libraries.append(library)
                }
            } catch {
                // A file that could not be read at all is said where it is included.
                for problem in error.errors {
                    if problem.line == nil { diagnostics.error(at, "\(problem.file) \(problem.message)") } else { diagnostics.append([problem]) }
                }
            }
        }
        return libraries
    }

    /// Parses every procedure, then refuses runs that never end and transactions that
    /// reach another transaction or a `parallel` step through `run` — which can only be
    /// known once all the procedures' steps are.
    static func procedures(
        _ sources: [NamedSources.Procedure], context: inout StepParser.Context, scope: Set<String>
    ) -> [String: Procedure] {
        var procedures: [String: Procedure] = [:]
        for source in sources {
            context.file = source.file
            var procedureScope = scope.union(source.params)
            let steps = StepParser(source.diagnostics, context: context)
                .steps(source.steps, at: source.path.key("steps"), scope: &procedureScope)
            procedures[source.name] = Procedure(name: source.name, params: source.params, steps: steps)
        }
        let graph = ProcedureGraph(procedures)
        context.transactionalProcedures = graph.transactional
        let cycles = graph.cycles
        for source in sources {
            if let cycle = cycles[source.name] {
                source.diagnostics.error(source.path, "the procedure `\(source.name)` runs itself (\(cycle.joined(separator: " → "))), so it would never end")
            }
            StepParser(source.diagnostics, context: context).checkRunsInTransactions(procedures[source.name]?.steps ?? [])
        }
        return procedures
    }

    /// Parses every check: one read operation with an `expect`, which saves nothing.
    static func checks(_ sources: [NamedSources.Check], context: StepParser.Context, scope: Set<String>) -> [String: OperationStep] {
        var checks: [String: OperationStep] = [:]
        var context = context
        for source in sources {
            context.file = source.file
            var checkScope = scope
            guard let step = StepParser(source.diagnostics, context: context).step(source.document, at: source.path, scope: &checkScope)
            else { continue }
            guard case .operation(let operation) = step.kind, operation.isReadOnly else {
                source.diagnostics.error(source.path, "a check is one read operation (find, aggregate, count, distinct) with an \"expect\"; this one writes")
                continue
            }
            if operation.expect == nil { source.diagnostics.error(source.path, "a check needs an \"expect\": it is an assertion") }
            if operation.save != nil { source.diagnostics.error(source.path.key("save"), "a check only asserts; it cannot save variables") }
            checks[source.name] = operation
        }
        return checks
    }
}

/// The procedures and checks a scenario can name, from its own file and its libraries,
/// with where each was written, before their steps are parsed.
struct NamedSources {
    struct Procedure {
        let name: String
        let params: [String]
        let steps: BSON?
        let path: JSONPath
        let diagnostics: Diagnostics
        let file: String
    }

    struct Check {
        let name: String
        let document: BSONDocument
        let path: JSONPath
        let diagnostics: Diagnostics
        let file: String
    }

    private(set) var procedures: [Procedure] = []
    private(set) var checks: [Check] = []
    /// One per library, so its problems are reported under its own file name.
    private(set) var libraryDiagnostics: [Diagnostics] = []

    /// Library names are prefixed (`billing.run`); the scenario's own are not.
    init(libraries: [Library], scenario: BSONDocument, file: String, diagnostics: Diagnostics) {
        for library in libraries {
            let libraryDiagnostics = Diagnostics(file: library.file, sourceMap: library.sourceMap)
            libraryDiagnostics.append(library.errors)
            self.libraryDiagnostics.append(libraryDiagnostics)
            add(library.document, prefix: library.name + ".", file: library.file, libraryDiagnostics)
        }
        add(scenario, prefix: "", file: file, diagnostics)
    }

    private mutating func add(_ document: BSONDocument, prefix: String, file: String, _ diagnostics: Diagnostics) {
        for procedure in Library.procedures(document, diagnostics: diagnostics) {
            procedures.append(Procedure(
                name: prefix + procedure.name, params: procedure.params, steps: procedure.steps, path: procedure.path,
                diagnostics: diagnostics, file: file))
        }
        for check in Library.checks(document, diagnostics: diagnostics) {
            checks.append(Check(name: prefix + check.name, document: check.document, path: check.path, diagnostics: diagnostics, file: file))
        }
    }
}

extension ScenarioLoader {
    /// A library's problems found on its own, as `preflight check lib/` sees it: its
    /// procedures and checks read as any including scenario reads them (actions,
    /// arguments, operators), where the only variables are each procedure's `params` and
    /// what its steps save. A file's `vars` are not there: a procedure that needs one
    /// takes it as a parameter.
    func libraryProblems(_ input: InputText) -> [ValidationError] {
        let directory = URL(fileURLWithPath: input.file).absoluteURL.deletingLastPathComponent()
        let name = URL(fileURLWithPath: input.file).lastPathComponent
        let host = directory.appendingPathComponent("(checking \(name) on its own).json").path
        let text = #"{"preflight": 1, "name": "library check", "include": ["# + Self.jsonString(name)
            + #"], "tests": [{"name": "t", "steps": [], "expectCollections": {"c": []}}]}"#
        guard let document = try? ExtendedJSON.parseDocument(text) else { return [] }
        do {
            _ = try load(document, file: host, bytes: Array(text.utf8))
            return []
        } catch {
            // Only what is wrong in the library: the host file is ours.
            let library = URL(fileURLWithPath: input.file).standardizedFileURL.path
            return error.errors.filter { URL(fileURLWithPath: $0.file).standardizedFileURL.path == library }
        }
    }

    private static func jsonString(_ text: String) -> String {
        BSON.string(text).extendedJSON(.relaxed)
    }
}
