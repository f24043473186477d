import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The editor schema and the loader agree, file by file and argument by argument, as
/// JSON Schema's reference validator (the jsonschema package, in requirements.txt) reads
/// the schema: every valid file of the repository is valid to both; a step with any
/// argument of the table is valid to both, and with a misspelt one invalid to both.
final class SchemaAgreementTests: FolderTestCase {
    static let validator = ScratchServerTestCase.packageRoot + "/scenarios/schema/validate.py"
    static let python = ScratchServerTestCase.packageRoot + "/.venv/bin/python"

    /// Runs the schemas' validator over `files`; its output (a line per problem).
    static func validate(_ files: [String]) throws -> (status: Int32, output: String) {
        let run = try CombinedOutput.run(Self.python, [Self.validator] + files)
        return (run.status, run.text)
    }

    func testEveryValidFileOfTheRepositoryIsValidToTheSchema() throws {
        let root = ScratchServerTestCase.packageRoot
        var files: [String] = []
        for folder in ["scenarios/earlybird", "Tests/PreflightCoreTests/Fixtures/scenarios/passing", "Tests/PreflightCoreTests/Fixtures/scenarios/failing",
                       "Tests/PreflightCoreTests/Fixtures/scenarios/live", "Tests/PreflightCoreTests/Fixtures/scenarios/lib"] {
            let enumerator = FileManager.default.enumerator(atPath: root + "/" + folder)
            while let relative = enumerator?.nextObject() as? String {
                guard relative.hasSuffix(".json") else { continue }
                let path = root + "/" + folder + "/" + relative
                let text = try String(contentsOfFile: path, encoding: .utf8)
                // Scenarios, libraries, checklists, compat specs and migrations; fixture data and other JSON are not the schemas'.
                guard text.contains("\"preflight\"") else { continue }
                files.append(path)
            }
        }
        XCTAssertGreaterThan(files.count, 30)
        let catalog = ScenarioCatalog.load(files, loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [], "the loader refuses a file the test calls valid")
        let result = try Self.validate(files)
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// A value of the right shape for each argument name in the table.
    static let samples: [String: String] = [
        "document": #"{"_id": 1}"#, "documents": #"[{"_id": 1}]"#, "filter": "{}", "update": #"{"$set": {"a": 1}}"#,
        "replacement": #"{"a": 1}"#, "sort": #"{"a": 1}"#, "projection": #"{"a": 1}"#, "upsert": "true", "returnDocument": #""after""#,
        "arrayFilters": #"[{"x.a": 1}]"#, "hint": #""a_1""#, "collation": #"{"locale": "en"}"#, "let": #"{"x": 1}"#,
        "bypassDocumentValidation": "true", "comment": #""why""#, "maxTimeMS": "100", "skip": "1", "limit": "1", "batchSize": "10",
        "allowDiskUse": "true", "pipeline": #"[{"$match": {}}]"#, "key": #""a""#, "requests": #"[{"insertOne": {"document": {}}}]"#,
        "ordered": "false", "name": #""a_1""#, "options": "{}",
    ]

    private func step(_ action: OperationAction, with extra: [(String, String)]) -> String {
        var parts = [#""\#(action.rawValue)": "items""#]
        for key in action.requiredKeys { parts.append(#""\#(key)": \#(Self.samples[key] ?? "{}")"#) }
        for (key, value) in extra where !action.requiredKeys.contains(key) { parts.append(#""\#(key)": \#(value)"#) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private func file(_ name: String, _ step: String, live: Bool = false) throws -> String {
        try folder.write(name, #"{"preflight": 1, "name": "\#(name)", \#(live ? #""mode": "live", "database": "shop", "# : "")"tests": [{"name": "t", "steps": [\#(step)]}]}"#)
    }

    func testEveryArgumentIsValidToBothAndAMisspeltOneToNeither() throws {
        var valid: [String] = [], invalid: [String] = []
        for action in OperationAction.allCases where action != .command && action != .createIndex {
            for argument in action.argumentKeys ?? [] {
                let sample = try XCTUnwrap(Self.samples[argument], "no sample value for \(argument)")
                valid.append(try file("\(action.rawValue)-\(argument).json", step(action, with: [(argument, sample)])))
                invalid.append(try file("\(action.rawValue)-\(argument)x.json", step(action, with: [(argument + "x", sample)])))
            }
            if action.takesReadPreference {
                valid.append(try file("\(action.rawValue)-readPreference.json", step(action, with: [("readPreference", #""nearest""#)]), live: true))
            }
        }
        let loaded = ScenarioCatalog.load(valid, loader: ScenarioLoader())
        XCTAssertEqual(loaded.errors.map(\.description), [], "the loader refuses an argument of its own table")
        let schema = try Self.validate(valid)
        XCTAssertEqual(schema.status, 0, "the schema refuses an argument of the table:\n\(schema.output)")

        for path in invalid {
            XCTAssertFalse(ScenarioCatalog.load([path], loader: ScenarioLoader()).errors.isEmpty, "the loader takes \(path)")
        }
        let refused = try Self.validate(invalid)
        for path in invalid {
            XCTAssertTrue(refused.output.contains(path + ":"), "the schema takes \(path)")
        }
    }
}
