import Foundation
import Mongo

extension ScenarioLoader {
    static func fixtures(_ document: BSONDocument?, mode: Scenario.Mode, directory: URL, _ diagnostics: Diagnostics) -> [Fixture] {
        guard let document else { return [] }
        let path = JSONPath.root.key("fixtures")
        if mode == .live {
            diagnostics.error(path, "a live scenario has no fixtures: it reads the real database as it is")
            return []
        }
        var fixtures: [Fixture] = []
        for (collection, value) in document {
            let fixturePath = path.key(collection)
            if let problem = CollectionName.problem(collection) { diagnostics.error(fixturePath, problem) }
            var fixture = Fixture(collection: collection, documents: [], indexes: [], options: [:])
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
                        } catch {
                            diagnostics.append(error.errors)
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
                    fixture.indexes.append(spec)
                }
            } else {
                diagnostics.error(fixturePath, "expected an array of documents, or {\"documents\": […]} / {\"file\": \"…\"} with optional \"indexes\" and \"options\", got \(Diagnostics.describe(value))")
                continue
            }
            for (index, element) in documents.enumerated() {
                guard let document = element.documentValue else {
                    diagnostics.error(fixturePath.index(index), "expected a document, got \(Diagnostics.describe(element))")
                    continue
                }
                fixture.documents.append(document)
            }
            fixtures.append(fixture)
        }
        return fixtures
    }

    static func tests(_ reader: FieldReader, context: StepParser.Context, globals: Set<String>, checks: Set<String>) -> [ScenarioTest] {
        let diagnostics = reader.diagnostics
        let path = JSONPath.root.key("tests")
        guard let tests = reader.array("tests", required: true) else { return [] }
        if tests.isEmpty { diagnostics.error(path, "a scenario needs at least one test") }
        var names: Set<String> = []
        var out: [ScenarioTest] = []
        let parser = StepParser(diagnostics, context: context)
        for (index, value) in tests.enumerated() {
            let testPath = path.index(index)
            guard let document = value.documentValue else {
                diagnostics.error(testPath, "expected a test (a JSON object with \"name\" and \"steps\"), got \(Diagnostics.describe(value))")
                continue
            }
            let test = FieldReader(document, at: testPath, diagnostics)
            test.allowOnly(testKeys)
            let name = test.string("name", required: true) ?? ""
            if !name.isEmpty && !names.insert(name).inserted {
                diagnostics.error(testPath.key("name"), "another test in this file is already named \"\(name)\"; test names must be unique")
            }
            // Its type is the step parser's to report, once.
            _ = test.require("steps", "a JSON array")
            var scope = globals
            let steps = parser.steps(document["steps"], at: testPath.key("steps"), scope: &scope)
            var expectCollections: [(collection: String, documents: [BSON])] = []
            if let collections = test.document("expectCollections") {
                for (collection, expected) in collections {
                    let collectionPath = testPath.key("expectCollections").key(collection)
                    guard let documents = expected.arrayValue else {
                        diagnostics.error(collectionPath, "expected the collection's documents as an array (in _id order), got \(Diagnostics.describe(expected))")
                        continue
                    }
                    parser.expectation(expected, at: collectionPath, scope: scope)
                    expectCollections.append((collection, documents))
                }
            }
            let testChecks = test.strings("checks") ?? []
            for (position, check) in testChecks.enumerated() where !checks.contains(check) {
                diagnostics.error(testPath.key("checks").index(position), Diagnostics.unknown("check", check, among: checks.sorted()))
            }
            out.append(ScenarioTest(
                name: name, description: test.string("description"), tags: test.strings("tags") ?? [],
                skip: test.string("skip"), repeatCount: test.integer("repeat", in: 1...1_000_000) ?? 1, steps: steps,
                expectCollections: expectCollections, checks: testChecks, line: diagnostics.line(of: testPath),
                path: testPath))
        }
        return out
    }
}

/// MongoDB's rules for collection names.
enum CollectionName {
    static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a collection name cannot be empty" }
        if name.hasPrefix("system.") { return "\"\(name)\": collections named system.* belong to the server" }
        if name.contains("$") || name.contains("\0") { return "\"\(name)\" cannot name a collection: MongoDB does not allow \"$\" or NUL in collection names" }
        return nil
    }
}
