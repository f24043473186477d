import Foundation
import Mongo

/// The scenario files named on the command line, found, told apart from the other JSON
/// a scenario folder holds, and validated — all before anything runs.
public struct ScenarioCatalog: Sendable {
    /// Valid scenarios, in path order.
    public var scenarios: [Scenario] = []
    /// Library files validated on their own (their steps are checked where they are included).
    public var libraries: [String] = []
    /// JSON files in searched folders that are not scenarios: fixture data, schemas, and
    /// the formats other commands read (compat specs, migrations, checklists).
    public var otherFiles: [(file: String, kind: String)] = []
    /// The valid compat specs among `otherFiles`: `preflight compat` reads them, and they
    /// are validated here too, so `preflight check` finds their problems.
    public var compatSpecs: [CompatSpec] = []
    /// Every problem in every file.
    public var errors: [ValidationError] = []

    /// Finds and validates the files under `paths`: files as given, folders searched
    /// recursively for `*.json`.
    public static func load(_ paths: [String], loader: ScenarioLoader) -> ScenarioCatalog {
        var catalog = ScenarioCatalog()
        let found = files(in: paths)
        catalog.errors = found.errors
        for (file, explicit) in found.files { catalog.add(file, explicit: explicit, loader: loader) }
        // A checklist re-validates the files it names, which the folder may hold too: each problem once.
        var seen: [ValidationError] = []
        catalog.errors = catalog.errors.filter { error in
            var key = error
            while key.file.hasPrefix("./") { key.file.removeFirst(2) }
            if seen.contains(key) { return false }
            seen.append(key)
            return true
        }
        return catalog
    }

    /// The files `paths` name, as every command reads its inputs: a file as given
    /// (`explicit`), a folder searched recursively for `*.json`, and a path that does not
    /// exist a problem.
    static func files(in paths: [String]) -> (files: [(path: String, explicit: Bool)], errors: [ValidationError]) {
        var files: [(path: String, explicit: Bool)] = []
        var errors: [ValidationError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(ValidationError(file: path, message: "no such file or directory"))
                continue
            }
            files += isDirectory.boolValue ? jsonFiles(under: path).map { ($0, false) } : [(path, true)]
        }
        // A file named twice (itself and inside a folder also named) is read once: its
        // tests would otherwise run, and be reported, twice. Named by itself, it is explicit.
        var seen: [String: Int] = [:]
        var unique: [(path: String, explicit: Bool)] = []
        for file in files {
            let key = URL(fileURLWithPath: file.path).standardizedFileURL.path
            if let earlier = seen[key] {
                if file.explicit { unique[earlier].explicit = true }
                continue
            }
            seen[key] = unique.count
            unique.append(file)
        }
        return (unique, errors)
    }

    /// `*.json` under `directory`, sorted, hidden folders skipped.
    static func jsonFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if relative.hasSuffix(".json") {
                files.append(directory.hasSuffix("/") ? directory + relative : directory + "/" + relative)
            }
        }
        return files.sorted()
    }

    private mutating func add(_ file: String, explicit: Bool, loader: ScenarioLoader) {
        let input: InputText
        do { input = try InputText.read(file) } catch {
            errors.append(error)
            return
        }
        guard let document = input.value.documentValue else {
            if explicit {
                errors.append(ValidationError(file: file, line: 1, column: 1, message: "is a JSON array (fixture data?), not a scenario: a scenario file is one JSON object"))
            } else {
                otherFiles.append((file, "fixture data"))
            }
            return
        }
        if let kind = Self.otherKind(document) {
            if kind == "compat spec" {
                do { compatSpecs.append(try CompatLoader.load(input)) } catch { errors += error.errors }
            }
            if explicit && (kind == "JSON Schema" || kind == Self.report) {
                errors.append(ValidationError(file: file, message: "is a \(kind), not a scenario"))
            } else {
                // Read by `migrate verify`, but validated here too, so `check` finds its problems.
                if kind == "migration" { errors += MigrationLoader.problems(in: input) }
                if kind == "checklist" {
                    do { _ = try ChecklistLoader(variableOverrides: loader.variableOverrides).load(document, file: file, bytes: input.bytes) } catch {
                        errors += error.errors
                    }
                }
                otherFiles.append((file, kind))
            }
            return
        }
        if document["library"] != nil && document["tests"] == nil {
            do {
                let structural = try Library.load(input)?.errors ?? []
                errors += structural
                // Its steps too, so `check lib/` finds what an including file would.
                if structural.isEmpty { errors += loader.libraryProblems(input) }
                libraries.append(file)
            } catch {
                errors += error.errors
            }
            return
        }
        do {
            scenarios.append(try loader.load(document, file: file, bytes: input.bytes, keysAreDistinct: input.keysAreDistinct))
        } catch {
            errors += error.errors
        }
    }

    /// What a `--json` report (of `run`, `compat`, `migrate verify` or `gate`) is called.
    static let report = "Preflight report (written by --json)"

    /// The formats that share a scenario folder but are read by other commands. Anything
    /// with a `preflight` key is Preflight's and is never mistaken for a schema; one with
    /// `tests` is a scenario, and is validated (so a stray key is an error, not a reason
    /// to skip the file).
    private static func otherKind(_ document: BSONDocument) -> String? {
        guard document["tests"] == nil else { return nil }
        // Preflight's own `--json` reports, often written into the folder that is searched
        // (`run . --json reports/run.json`), told apart before the checklist (a gate's
        // evidence names its `checklist`). A scenario's `preflight` is a number, never a
        // document, and a report never holds `tests` at its top.
        if document["preflightGate"] != nil || (document["preflight"]?.documentValue?["format"] != nil && document["suites"] != nil) {
            return report
        }
        if document["preflight"] == nil && document["name"] == nil && (document["$schema"] != nil || document["$defs"] != nil) {
            return "JSON Schema"
        }
        // A migration names its compat spec with a `compat` key of its own, so it is told apart first.
        // So does a checklist, with a list of specs; a checklist with a misspelt
        // `migrations` is still a checklist, and told so.
        if document["checklist"] != nil { return "checklist" }
        if document["migration"] != nil { return "migration" }
        if document["compat"] != nil { return "compat spec" }
        return nil
    }
}
