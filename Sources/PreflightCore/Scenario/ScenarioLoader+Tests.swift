import Foundation
import Mongo

extension ScenarioLoader {
    static func tests(_ reader: FieldReader, context: StepParser.Context, globals: Set<String>, checks: Set<String>) -> [ScenarioTest] {
        let diagnostics = reader.diagnostics
        let path = JSONPath.root.key("tests")
        guard let tests = reader.array("tests", required: true) else { return [] }
        if tests.isEmpty { diagnostics.error(path, "a scenario needs at least one test") }
        var names: Set<String> = []
        var out: [ScenarioTest] = []
        let parser = StepParser(diagnostics, context: context)
        FieldReader.eachObject(in: tests, at: path, diagnostics, expected: "a test (a JSON object with \"name\" and \"steps\")") { test in
            let testPath = test.path, document = test.document
            test.allowOnly(testKeys)
            let name = test.string("name", required: true) ?? ""
            Redaction.checkPrinted(name, at: testPath.key("name"), diagnostics)
            if !name.isEmpty && !names.insert(name).inserted {
                diagnostics.error(testPath.key("name"), "another test in this file is already named \"\(name)\"; test names must be unique")
            }
            // Its type is the step parser's to report, once.
            _ = test.require("steps", "a JSON array")
            var scope = globals
            let steps = parser.steps(document["steps"], at: testPath.key("steps"), scope: &scope, allowEmpty: true)
            var expectCollections: [(collection: String, documents: [BSON], exact: Bool)] = []
            if let collections = test.document("expectCollections") {
                for (collection, expected) in collections {
                    var collectionPath = testPath.key("expectCollections").key(collection)
                    // `{"exact": [...]}`: the documents as MongoDB's `outcome` means them,
                    // no field at their root that the expectation does not name.
                    var list = expected
                    let exact = expected.documentValue != nil
                    if let form = expected.documentValue {
                        guard form.count == 1, let documents = form["exact"] else {
                            diagnostics.error(collectionPath, "expected the collection's documents as an array (in _id order), or {\"exact\": [...]} for documents with no other fields, got \(Diagnostics.describe(expected))")
                            continue
                        }
                        list = documents
                        collectionPath = collectionPath.key("exact")
                    }
                    guard let documents = list.arrayValue else {
                        diagnostics.error(collectionPath, "expected the collection's documents as an array (in _id order), got \(Diagnostics.describe(list))")
                        continue
                    }
                    parser.expectation(list, at: collectionPath, scope: scope)
                    expectCollections.append((collection, documents, exact))
                }
            }
            let testChecks = test.strings("checks") ?? []
            if document["steps"]?.arrayValue?.isEmpty == true && expectCollections.isEmpty && testChecks.isEmpty {
                diagnostics.error(testPath.key("steps"), "a test with no steps needs `expectCollections` or `checks`; otherwise it asserts nothing and always passes")
            }
            for (position, check) in testChecks.enumerated() where !checks.contains(check) {
                diagnostics.error(testPath.key("checks").index(position), Diagnostics.unknown("check", check, among: checks.sorted()))
            }
            let tags = test.strings("tags") ?? []
            for (index, tag) in tags.enumerated() { Redaction.checkPrinted(tag, as: "a tag", at: testPath.key("tags").index(index), diagnostics) }
            out.append(ScenarioTest(
                name: name, description: test.string("description"), tags: tags,
                skip: test.string("skip"), repeatCount: test.integer("repeat", in: 1...1_000_000) ?? 1, steps: steps,
                expectCollections: expectCollections, checks: testChecks, line: diagnostics.line(of: testPath),
                path: testPath))
        }
        return out
    }
}
