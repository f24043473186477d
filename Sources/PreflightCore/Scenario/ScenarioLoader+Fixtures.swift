import Foundation
import Mongo

extension ScenarioLoader {
    /// The `fixtures`, with their files read and their documents checked, so nothing is
    /// found wrong after the first test has run.
    static func fixtures(
        _ document: BSONDocument?, mode: Scenario.Mode, directory: URL, _ diagnostics: Diagnostics, parser: StepParser,
        globals: Set<String>, key: String = "fixtures"
    ) -> [Fixture] {
        guard let document else { return [] }
        let path = JSONPath.root.key(key)
        if mode == .live {
            diagnostics.error(path, "a live scenario has no fixtures: it reads the real database as it is")
            return []
        }
        var fixtures: [Fixture] = []
        for (collection, value) in document {
            let fixturePath = path.key(collection)
            if let problem = CollectionName.problem(collection) { diagnostics.error(fixturePath, problem) }
            var fixture = Fixture(collection: collection, documents: [], indexes: [], options: [:], substitutes: false)
            var documents: [BSON] = []
            if let array = value.arrayValue {
                documents = array
            } else if let body = value.documentValue {
                let reader = FieldReader(body, at: fixturePath, diagnostics)
                reader.allowOnly(["documents", "file", "indexes", "options"])
                if body["documents"] != nil && body["file"] != nil {
                    diagnostics.error(fixturePath, "a fixture has \"documents\" or \"file\", not both")
                }
                documents = reader.array("documents") ?? []
                if let file = reader.string("file") {
                    let filePath = displayPath(directory.appendingPathComponent(file).standardized.path)
                    if !FileManager.default.fileExists(atPath: filePath) {
                        diagnostics.error(fixturePath.key("file"), "no such file: \(filePath) (fixture paths are relative to this file)")
                    } else {
                        do {
                            fixture.documents = try InputText.documents(filePath)
                            fixture.file = filePath
                        } catch {
                            // A file that could not be read at all is said where it is named.
                            for problem in error.errors {
                                if problem.line == nil {
                                    diagnostics.error(fixturePath.key("file"), "\(problem.file) \(problem.message)")
                                } else {
                                    diagnostics.append([problem])
                                }
                            }
                        }
                    }
                }
                fixture.options = reader.document("options") ?? [:]
                for (index, index_) in (reader.array("indexes") ?? []).enumerated() {
                    let indexPath = fixturePath.key("indexes").index(index)
                    guard let spec = index_.documentValue, let key = spec["key"]?.documentValue, !key.isEmpty else {
                        diagnostics.error(indexPath, "expected an index such as {\"key\": {\"phone\": 1}, \"unique\": true}, got \(Diagnostics.describe(index_))")
                        continue
                    }
                    for (field, direction) in key {
                        if let problem = IndexDirection.problem(direction) { diagnostics.error(indexPath.key("key").key(field), problem) }
                    }
                    fixture.indexes.append(spec)
                }
            } else {
                diagnostics.error(fixturePath, "expected an array of documents, or {\"documents\": […]} / {\"file\": \"…\"} with optional \"indexes\" and \"options\", got \(Diagnostics.describe(value))")
                continue
            }
            FieldReader.eachObject(in: documents, at: fixturePath, diagnostics, expected: "a document") { fixture.documents.append($0.document) }
            if fixture.file == nil {
                let written = value.documentValue?["documents"] != nil ? fixturePath.key("documents") : fixturePath
                for (index, earlier, id) in DuplicateIDs.find(in: fixture.documents) {
                    diagnostics.error(written.index(index), InputText.repeated(id, earlier: "at [\(earlier)]"))
                }
            }
            // `$$now`, `$$newObjectId` and the file's variables may appear in fixtures too;
            // the runner substitutes them before every test, so dates stay relative to it.
            for (index, document) in fixture.documents.enumerated() where Self.mentionsOperator(.document(document)) {
                fixture.substitutes = true
                let at = value.arrayValue != nil || value.documentValue?["documents"] != nil
                    ? fixturePath.index(index) : fixturePath.key("file")
                parser.substitutions(in: .document(document), at: at, scope: globals, expectation: false)
            }
            // Known before the first command: a fixture's password is masked wherever a
            // test's results carry it afterwards, under whatever key.
            for document in fixture.documents { Redaction.learn(.document(document)) }
            fixtures.append(fixture)
        }
        return fixtures
    }

    /// Whether a `$$` key appears anywhere in `value`.
    static func mentionsOperator(_ value: BSON) -> Bool {
        switch value {
        case .document(let document):
            document.elements.contains { VariableName.isOperatorKey($0.key) || mentionsOperator($0.value) }
        case .array(let elements):
            elements.contains(where: mentionsOperator)
        default:
            false
        }
    }
}
