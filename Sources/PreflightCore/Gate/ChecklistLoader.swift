import Foundation
import Mongo

/// Loads a checklist and validates everything it names — scenario files, compat specs,
/// migrations, the snapshot — before anything is sent to a server, with the located
/// messages of scenario files.
public struct ChecklistLoader: Sendable {
    /// `--var`: replaces the checklist's `vars` of the same name.
    public var variableOverrides: BSONDocument

    public init(variableOverrides: BSONDocument = [:]) {
        self.variableOverrides = variableOverrides
    }

    static let topLevelKeys = [
        "$schema", "preflight", "checklist", "description", "database", "server", "scenarios", "vars", "allowSkipped",
        "compat", "migrations", "snapshot",
    ]
    static let entryKeys = ["file", "severity", "onUnknown", "reason", "allowEmpty"]

    /// What a loaded checklist brings with it: the files it names, validated.
    public struct Loaded: Sendable {
        public var checklist: Checklist
        public var scenarios: [Scenario]
        public var specs: [CompatSpec]
        public var migrations: [Migration]
    }

    /// Loads `file` and everything it names.
    /// - Throws: `ValidationFailure` with every problem, in the checklist and in the files it names.
    public func load(_ file: String) throws(ValidationFailure) -> Loaded {
        let input = try InputText.object(of: file, kind: "a checklist")
        return try load(input.document, file: file, bytes: input.input.bytes)
    }

    func load(_ document: BSONDocument, file: String, bytes: [UInt8]) throws(ValidationFailure) -> Loaded {
        let diagnostics = Diagnostics(file: file, sourceMap: SourceMap(bytes))
        diagnostics.reportDuplicateKeys()
        let reader = FieldReader(document, at: .root, diagnostics)
        reader.allowOnly(Self.topLevelKeys)
        ScenarioLoader.checkVersion(reader)
        let name = reader.string("checklist", required: true) ?? ""
        Redaction.checkPrinted(name, at: JSONPath.root.key("checklist"), diagnostics)
        let database = reader.string("database", required: true) ?? "preflight"
        if document["database"]?.stringValue?.isEmpty == false, let problem = DatabaseName.problem(database) {
            diagnostics.error(JSONPath.root.key("database"), problem)
        }
        let writtenVars = reader.document("vars") ?? [:]
        var vars = writtenVars
        let declaredVars = vars.keys
        for key in vars.keys where !VariableName.isValid(key) {
            diagnostics.error(JSONPath.root.key("vars").key(key), "\"\(key)\" is not a variable name: use letters, digits and _, starting with a letter or _")
        }
        for (key, value) in variableOverrides { vars[key] = value }
        vars = VariableDefinitions.resolve(vars, at: JSONPath.root.key("vars"), diagnostics)
        let directory = URL(fileURLWithPath: file).absoluteURL.deletingLastPathComponent()
        let server = ServerSectionReader(diagnostics).read(reader.document("server"))
        let scenarioEntries = entries(reader.array("scenarios"), key: "scenarios", directory: directory, diagnostics)
        let compatEntries = entries(reader.array("compat"), key: "compat", directory: directory, diagnostics)
        let migrations = pendingMigrations(reader.array("migrations"), directory: directory, diagnostics)
        let writtenSkips = allowedSkips(reader.document("allowSkipped"), directory: directory, diagnostics)
        let allowSkipped = Dictionary(writtenSkips.map { ($0.key, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let parser = StepParser(diagnostics, context: StepParser.Context(
            live: false, logicalDatabase: database, failPointsDeclared: false, procedures: [:], checks: [], file: file))
        let snapshot = ScenarioLoader.fixtures(
            reader.document("snapshot"), mode: .sandbox, directory: directory, diagnostics, parser: parser, globals: [], key: "snapshot")
        if snapshot.contains(where: \.substitutes) {
            diagnostics.error(JSONPath.root.key("snapshot"), "a snapshot holds data as it is in production: no $$var, $$now or $$newObjectId")
        }
        let checklist = Checklist(
            file: file, name: name, description: reader.string("description", nonEmpty: false), database: database, server: server,
            scenarios: scenarioEntries, vars: vars, declaredVars: declaredVars, compat: compatEntries, migrations: migrations, allowSkipped: allowSkipped,
            snapshot: snapshot)
        if checklist.isEmpty && diagnostics.errors.isEmpty {
            diagnostics.error(.root, "the checklist checks nothing (no server, scenarios, compat or migrations): a gate with no items would say GO having checked nothing")
        }

        // The files it names, validated as their own commands would, problems under their own names.
        var errors: [ValidationError] = []
        let scenarioLoader = ScenarioLoader(variableOverrides: vars)
        var scenarios: [Scenario] = []
        for (index, entry) in checklist.scenarios.enumerated() {
            do {
                let scenario = try scenarioLoader.load(entry.file)
                if entry.policy.allowEmpty != nil && scenario.mode != .live {
                    // Said, not ignored: only a live file reads data that may be empty.
                    diagnostics.error(JSONPath.root.key("scenarios"), "\"allowEmpty\" is given for \(entry.file), which is not a live file: a sandbox file's data is its fixtures (entry \(index + 1) after expansion)")
                }
                scenarios.append(scenario)
            } catch {
                errors += error.errors
            }
        }
        var specs: [CompatSpec] = []
        for (path, _) in checklist.compat {
            do { specs.append(try CompatLoader.load(file: path)) } catch { errors += error.errors }
        }
        var loadedMigrations: [Migration] = []
        for pending in checklist.migrations {
            do { loadedMigrations.append(try MigrationLoader().load(pending.file)) } catch { errors += error.errors }
        }
        // An allowance that names no test would excuse nothing today and a renamed test tomorrow.
        let listed = Set(scenarios.flatMap { scenario in scenario.tests.map { ChecklistPaths.testKey(scenario.file, $0.name) } })
        if errors.isEmpty && diagnostics.errors.isEmpty {
            for (written, key, _) in writtenSkips where !listed.contains(key) {
                diagnostics.error(JSONPath.root.key("allowSkipped").key(written), "names no test of the scenarios this checklist lists (\"path::test name\", the path relative to this checklist)")
            }
            // The checklist's vars are given to its scenarios: one that no scenario declares
            // or refers to (nor another of the checklist's vars) would be ignored, and a
            // misspelt threshold would leave the file's own default to pass in silence.
            let declared = scenarios.reduce(into: Set<String>()) { $0.formUnion($1.declaredVars) }
            var referenced: Set<String> = []
            for value in writtenVars.values { Self.referencedRoots(in: value, into: &referenced) }
            var read: Set<String> = []
            for scenario in scenarios { Self.referencedRoots(inFile: scenario.file, into: &referenced, read: &read) }
            for name in declaredVars where !declared.contains(name) && !referenced.contains(name) {
                let nearest = NearestName.suggestion(for: name, among: declared.sorted()).map { " (did you mean `\($0)`?)" } ?? ""
                diagnostics.error(
                    JSONPath.root.key("vars").key(name),
                    "no scenario this checklist lists declares or uses `\(name)`\(nearest): the checklist's vars are for the variables its scenarios use")
            }
        }
        errors = diagnostics.errors + errors
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return Loaded(checklist: checklist, scenarios: scenarios, specs: specs, migrations: loadedMigrations)
    }

    /// The variables a scenario file and the libraries it includes refer to, read from
    /// their JSON as written (each file once).
    static func referencedRoots(inFile file: String, into roots: inout Set<String>, read: inout Set<String>) {
        guard read.insert(file).inserted, let value = try? InputText.read(file).value else { return }
        referencedRoots(in: value, into: &roots)
        // Absolute first: corelibs Foundation drops a leading `..` when it standardizes a
        // relative URL, and `../lib/x.json` from a relative path would name another file.
        let directory = URL(fileURLWithPath: file).absoluteURL.deletingLastPathComponent()
        for include in value.documentValue?["include"]?.arrayValue ?? [] {
            guard let path = include.stringValue else { continue }
            referencedRoots(inFile: directory.appendingPathComponent(path).standardized.path, into: &roots, read: &read)
        }
    }

    /// The variables `{"$$var": "name.path"}` inside `value` refer to, by their first name.
    static func referencedRoots(in value: BSON, into roots: inout Set<String>) {
        switch value {
        case .document(let document):
            if document.count == 1, let reference = document["$$var"]?.stringValue {
                roots.insert(VariableName.root(of: reference))
            }
            for element in document.values { referencedRoots(in: element, into: &roots) }
        case .array(let elements):
            for element in elements { referencedRoots(in: element, into: &roots) }
        default:
            break
        }
    }

    /// `["../phase-0.7/*.json", {"file": "…", "severity": "warn", "reason": "…"}]`: each
    /// entry a path (a folder is searched for the files of its kind, a pattern expanded)
    /// or an object with a policy. A pattern that matches nothing is an error: a typo must
    /// not shrink the gate in silence.
    private func entries(
        _ array: [BSON]?, key: String, directory: URL, _ diagnostics: Diagnostics
    ) -> [(file: String, policy: ItemPolicy)] {
        guard let array else { return [] }
        var entries: [(file: String, policy: ItemPolicy)] = []
        for (index, value) in array.enumerated() {
            let path = JSONPath.root.key(key).index(index)
            guard let (written, policy, at) = entry(value, at: path, diagnostics) else { continue }
            let files = ChecklistPaths.expand(written, relativeTo: directory, kind: key)
            if files.isEmpty {
                let near = ChecklistPaths.nearest(written, relativeTo: directory).map { "; did you mean \"\($0)\"?" } ?? ""
                diagnostics.error(at, "\"\(written)\" matches no file (paths are relative to this checklist)\(near)")
            }
            for file in files where !entries.contains(where: { $0.file == file }) { entries.append((file, policy)) }
        }
        return entries
    }

    /// One entry: its path, its policy, and where its path is written.
    private func entry(_ value: BSON, at path: JSONPath, _ diagnostics: Diagnostics) -> (String, ItemPolicy, JSONPath)? {
        if let text = value.stringValue {
            guard !text.isEmpty else {
                diagnostics.error(path, "expected a path, got an empty string")
                return nil
            }
            return (text, ItemPolicy(), path)
        }
        guard let object = value.documentValue else {
            diagnostics.error(path, "expected a path or {\"file\": \"…\", \"severity\": \"warn\", \"reason\": \"…\"}, got \(Diagnostics.describe(value))")
            return nil
        }
        let reader = FieldReader(object, at: path, diagnostics)
        reader.allowOnly(Self.entryKeys)
        guard let file = reader.string("file", required: true) else { return nil }
        return (file, policy(reader), path.key("file"))
    }

    /// `severity`, `onUnknown`, `reason` and `allowEmpty` of an entry or a server check.
    func policy(_ reader: FieldReader) -> ItemPolicy {
        var policy = ItemPolicy()
        for (key, values) in [("severity", ["block", "warn"]), ("onUnknown", ["block", "warn"])] {
            guard let value = reader.string(key) else { continue }
            guard values.contains(value) else {
                reader.diagnostics.error(reader.path.key(key), Diagnostics.unknown("value", value, among: values))
                continue
            }
            if key == "severity" { policy.warnOnly = value == "warn" } else { policy.unknownWarns = value == "warn" }
        }
        policy.reason = reader.string("reason")
        if (policy.warnOnly || policy.unknownWarns) && policy.reason == nil {
            reader.diagnostics.error(reader.path, "an item that only warns needs a \"reason\": the report says why it may not block")
        }
        policy.allowEmpty = AllowEmpty.reason(reader.document["allowEmpty"], at: reader.path.key("allowEmpty"), reader.diagnostics)
        return policy
    }

    private func pendingMigrations(_ array: [BSON]?, directory: URL, _ diagnostics: Diagnostics) -> [PendingMigration] {
        guard let array else { return [] }
        var migrations: [PendingMigration] = []
        for (index, value) in array.enumerated() {
            let path = JSONPath.root.key("migrations").index(index)
            var written: String?
            var policy = ItemPolicy()
            var copyLimit = PendingMigration.defaultCopyLimit
            if let text = value.stringValue, !text.isEmpty {
                written = text
            } else if let object = value.documentValue {
                let reader = FieldReader(object, at: path, diagnostics)
                reader.allowOnly(["file", "copyLimit", "severity", "onUnknown", "reason"])
                written = reader.string("file", required: true)
                copyLimit = reader.integer("copyLimit", in: 1...100_000_000) ?? copyLimit
                policy = self.policy(reader)
            } else {
                diagnostics.error(path, "expected a path or {\"file\": \"…\", \"copyLimit\": 100000}, got \(Diagnostics.describe(value))")
            }
            guard let written else { continue }
            let at = value.stringValue == nil ? path.key("file") : path
            let files = ChecklistPaths.expand(written, relativeTo: directory, kind: "migrations")
            if files.count != 1 {
                diagnostics.error(at, files.isEmpty
                    ? "\"\(written)\" matches no migration file (paths are relative to this checklist)"
                        + (ChecklistPaths.nearest(written, relativeTo: directory).map { "; did you mean \"\($0)\"?" } ?? "")
                    : "\"\(written)\" names \(files.count) files; a pending migration is one file, listed in the order they apply")
                continue
            }
            migrations.append(PendingMigration(file: files[0], copyLimit: copyLimit, policy: policy))
        }
        return migrations
    }

    /// `{"../monitoring/revenue.json::the test": "why it may be skipped"}`: each as written,
    /// with its absolute `path::test name` key and reason.
    private func allowedSkips(_ document: BSONDocument?, directory: URL, _ diagnostics: Diagnostics) -> [(written: String, key: String, reason: String)] {
        guard let document else { return [] }
        var allowed: [(written: String, key: String, reason: String)] = []
        for (key, value) in document {
            let path = JSONPath.root.key("allowSkipped").key(key)
            guard let separator = key.range(of: "::"), !key[separator.upperBound...].isEmpty else {
                diagnostics.error(path, "expected \"path/file.json::test name\", got \"\(key)\"")
                continue
            }
            guard let reason = value.stringValue, !reason.isEmpty else {
                diagnostics.error(path, "expected the reason the test may be skipped, as a non-empty string, got \(Diagnostics.describe(value))")
                continue
            }
            let file = ChecklistPaths.absolute(String(key[..<separator.lowerBound]), relativeTo: directory)
            allowed.append((key, file + "::" + key[separator.upperBound...], reason))
        }
        return allowed
    }
}
