import Foundation
import Mongo

/// Loads compat specs and validates everything in them before anything is read from a
/// server, with the error quality of scenario files: `file:LINE:COL: json.path: message`,
/// the nearest known name for a misspelt key or type, keys written twice.
public enum CompatLoader {
    /// `$schema` and `description` are allowed, as in scenario files.
    static let topLevelKeys = [
        "$schema", "preflight", "compat", "description", "database", "collection", "scope", "fields", "reachability",
        "samples", "allowEmpty",
    ]

    /// Loads one compat spec.
    /// - Throws: `CompatLoadError` with every problem found, each located.
    public static func load(file: String) throws(CompatLoadError) -> CompatSpec {
        let input: InputText
        do { input = try InputText.read(file) } catch { throw CompatLoadError([error]) }
        return try load(input)
    }

    /// The path of a spec another file names (a scenario's `compat` step, a migration's
    /// `compat`): relative to that file's folder unless absolute, and relative to the
    /// working directory when under it, as messages show paths.
    public static func path(of written: String, relativeTo referencingFile: String) -> String {
        // Absolute first: corelibs Foundation drops a leading `..` when standardizing a relative URL.
        let directory = URL(fileURLWithPath: referencingFile).absoluteURL.deletingLastPathComponent()
        let absolute = written.hasPrefix("/") ? URL(fileURLWithPath: written) : directory.appendingPathComponent(written)
        return ScenarioLoader.displayPath(absolute.standardized.path)
    }

    /// A spec from a file already read (the scenario catalog reads every file once).
    static func load(_ input: InputText) throws(CompatLoadError) -> CompatSpec {
        let file = input.file
        let document: BSONDocument
        do { document = try input.object("a compat spec") } catch { throw CompatLoadError([error]) }
        if document["compat"] == nil, let kind = otherKind(document) {
            // Said once, rather than as a dozen unknown keys.
            throw CompatLoadError([ValidationError(
                file: file, line: 1, column: 1,
                message: "is a \(kind), not a compat spec ({\"preflight\": 1, \"compat\": \"…\", \"collection\": \"…\", \"fields\": {…}})")])
        }
        let sourceMap = input.sourceMap
        let diagnostics = Diagnostics(file: file, sourceMap: sourceMap)
        diagnostics.reportDuplicateKeys()
        let reader = FieldReader(document, at: .root, diagnostics)
        reader.allowOnly(topLevelKeys)
        ScenarioLoader.checkVersion(reader)
        let name = reader.string("compat", required: true) ?? ""
        Redaction.checkPrinted(name, at: JSONPath.root.key("compat"), diagnostics)
        let collection = reader.string("collection", required: true) ?? ""
        if let problem = document["collection"]?.stringValue.flatMap(CollectionName.problem) {
            diagnostics.error(JSONPath.root.key("collection"), problem)
        }
        let database = reader.string("database")
        if let database, let problem = DatabaseName.problem(database) {
            diagnostics.error(JSONPath.root.key("database"), problem)
        }
        let scope = reader.document("scope")
        let fields = self.fields(reader.document("fields"), diagnostics, sourceMap)
        let rules = reachability(reader.array("reachability"), fieldNames: Set(fields.map(\.path)), diagnostics)
        checkSomethingIsChecked(document, diagnostics)
        let samples = reader.integer("samples", in: 0...CompatSpec.maximumSamples) ?? CompatSpec.defaultSamples
        let allowEmpty = AllowEmpty.reason(document["allowEmpty"], at: JSONPath.root.key("allowEmpty"), diagnostics)

        if !diagnostics.errors.isEmpty { throw CompatLoadError(diagnostics.errors) }
        return CompatSpec(
            file: file, name: name, description: reader.string("description"), collection: collection, database: database,
            scope: scope, fields: fields, reachability: rules, samples: samples,
            allowEmpty: allowEmpty)
    }

    /// A spec with neither fields nor reachability rules would pass on any collection.
    private static func checkSomethingIsChecked(_ document: BSONDocument, _ diagnostics: Diagnostics) {
        let fields = document["fields"], rules = document["reachability"]
        if fields == nil && rules == nil {
            diagnostics.error(.root, "missing \"fields\" (what documents must carry) or \"reachability\" (queries that must see them): a compat spec needs at least one")
            return
        }
        // A value of the wrong type is reported where it is read.
        let noFields = fields.map { $0.documentValue?.isEmpty == true } ?? true
        let noRules = rules.map { $0.arrayValue?.isEmpty == true } ?? true
        if noFields && noRules {
            diagnostics.error(.root, "a compat spec needs at least one field or reachability rule: an empty one checks nothing and always passes")
        }
    }

    /// The specs among `paths`: files as given, folders searched recursively for JSON
    /// objects with a `compat` key (a folder may hold scenarios and fixture data too).
    public static func loadAll(_ paths: [String]) -> (specs: [CompatSpec], errors: [ValidationError]) {
        var specs: [CompatSpec] = []
        var (files, errors) = ScenarioCatalog.files(in: paths)
        for (file, explicit) in files {
            let input: InputText
            do { input = try InputText.read(file) } catch {
                errors.append(error)
                continue
            }
            if !explicit && !isSpec(input.value) { continue }
            do { specs.append(try load(input)) } catch { errors += error.errors }
        }
        return (specs, errors)
    }

    /// Whether a document read from a searched folder is meant as a compat spec.
    static func isSpec(_ value: BSON) -> Bool {
        guard let document = value.documentValue else { return false }
        return document["compat"] != nil && document["tests"] == nil && document["checklist"] == nil && document["migration"] == nil
    }

    /// What a Preflight file that is not a compat spec is, for the message.
    private static func otherKind(_ document: BSONDocument) -> String? {
        if document["tests"] != nil { return "scenario" }
        if document["library"] != nil { return "library" }
        if document["migration"] != nil { return "migration" }
        if document["checklist"] != nil { return "checklist" }
        return nil
    }
}
