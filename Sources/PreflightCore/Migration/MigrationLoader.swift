import Foundation
import Mongo

/// Loads migration files and validates everything in them — steps, declared changes,
/// fixtures, the compat spec's path — before anything is sent to a server, with the
/// same located messages as scenario files.
public struct MigrationLoader: Sendable {
    public init() {}

    /// `$schema` is allowed so an editor can be pointed at a schema from the file itself.
    static let topLevelKeys = [
        "$schema", "preflight", "migration", "description", "database", "vars", "fixtures", "up", "down", "changes", "compat",
    ]

    /// Control steps that have no place in `up` or `down`, and why.
    static let refusedControls: [String: String] = [
        "run": "a migration has no procedures; write its steps out in `up` and `down`",
        "parallel": "a migration's steps run one after another: with `parallel` its result would depend on timing",
        "failPoint": "a migration does not inject faults; fail points belong in scenarios",
        "compat": "a migration names its compat spec with the top-level \"compat\" key, which is checked after `up`",
        "sleep": "a migration's steps change data, and `sleep` waits for nothing",
        "check": "a migration has no checks: it is verified against `changes`, `compat` and its snapshot",
        "exec": "a migration's steps are MongoDB operations: a program it ran could not be proved to touch only the sandbox, or to do the same against production",
        "http": "a migration's steps are MongoDB operations: a request it sent could not be proved to touch only the sandbox, or to do the same against production",
    ]

    /// Loads one migration file.
    /// - Throws: `ValidationFailure` with every problem found, each located.
    public func load(_ file: String) throws(ValidationFailure) -> Migration {
        let input = try InputText.object(of: file, kind: "a migration")
        return try load(input.document, file: file, bytes: input.input.bytes)
    }

    func load(_ document: BSONDocument, file: String, bytes: [UInt8]) throws(ValidationFailure) -> Migration {
        let diagnostics = Diagnostics(file: file, sourceMap: SourceMap(bytes))
        diagnostics.reportDuplicateKeys()
        let reader = FieldReader(document, at: .root, diagnostics)
        reader.allowOnly(Self.topLevelKeys)
        ScenarioLoader.checkVersion(reader)
        let name = reader.string("migration", required: true) ?? ""
        Redaction.checkPrinted(name, at: JSONPath.root.key("migration"), diagnostics)
        let database = reader.string("database", required: true) ?? "preflight"
        if document["database"]?.stringValue?.isEmpty == false, let problem = DatabaseName.problem(database) {
            diagnostics.error(JSONPath.root.key("database"), problem)
        }
        let description = reader.string("description", nonEmpty: false)
        let vars = reader.document("vars") ?? [:]
        Redaction.learn(.document(vars))
        for key in vars.keys where !VariableName.isValid(key) {
            diagnostics.error(JSONPath.root.key("vars").key(key), "\"\(key)\" is not a variable name: use letters, digits and _, starting with a letter or _")
        }
        let directory = URL(fileURLWithPath: file).absoluteURL.deletingLastPathComponent()
        let context = StepParser.Context(
            live: false, logicalDatabase: database, failPointsDeclared: false, procedures: [:], checks: [], file: file,
            refusedControls: Self.refusedControls)
        let parser = StepParser(diagnostics, context: context)
        let globals = Set(vars.keys)
        var upScope = globals, downScope = globals
        _ = reader.require("up", "the steps that apply the migration")
        _ = reader.require("down", "the steps that undo it")
        let up = parser.steps(document["up"], at: JSONPath.root.key("up"), scope: &upScope)
        let down = parser.steps(document["down"], at: JSONPath.root.key("down"), scope: &downScope)
        let changes = Self.changes(reader, diagnostics)
        Self.checkChangedCollectionsAreNamed(changes, up: up, down: down, diagnostics)
        let compat = Self.compat(reader, directory: directory)
        let fixtures = ScenarioLoader.fixtures(
            reader.document("fixtures"), mode: .sandbox, directory: directory, diagnostics, parser: parser, globals: globals)

        if !diagnostics.errors.isEmpty { throw ValidationFailure(diagnostics.errors) }
        var lines: [String: Int] = [:]
        for key in ["up", "down", "changes", "compat"] { lines[key] = diagnostics.line(of: JSONPath.root.key(key)) }
        return Migration(
            file: file, name: name, description: description, database: database, vars: vars,
            fixtures: fixtures, up: up, down: down, changes: changes, compat: compat, lines: lines)
    }

    /// The compat spec's path, which must name a file: the check after `up` needs it.
    private static func compat(_ reader: FieldReader, directory: URL) -> String? {
        guard let relative = reader.string("compat") else { return nil }
        let path = ScenarioLoader.displayPath(directory.appendingPathComponent(relative).standardized.path)
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
            reader.diagnostics.error(JSONPath.root.key("compat"), "no such file: \(path) (the compat spec's path is relative to this file)")
            return nil
        }
        // Validated now, like an include: a spec that cannot run must stop the command
        // before anything is sent, not error check (d) after `up`.
        do throws(CompatLoadError) {
            _ = try CompatLoader.load(file: path)
        } catch {
            let problems = error.errors.map(\.description).joined(separator: "; ")
            reader.diagnostics.error(JSONPath.root.key("compat"), "the compat spec \(path) is invalid: \(problems)")
            return nil
        }
        return path
    }
}
