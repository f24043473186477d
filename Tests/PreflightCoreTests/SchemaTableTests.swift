import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `scenarios/schema/scenario.schema.json` takes exactly the arguments the loader takes:
/// both come from `OperationAction.arguments`, and an editor must not underline a valid
/// file or pass one the loader refuses.
final class SchemaTableTests: XCTestCase {
    static let schemaPath = ScratchServerTestCase.packageRoot + "/scenarios/schema/scenario.schema.json"

    private func definitions() throws -> BSONDocument {
        let text = try String(contentsOfFile: Self.schemaPath, encoding: .utf8)
        return try XCTUnwrap(try ExtendedJSON.parseDocument(text)["$defs"]?.documentValue)
    }

    private func keys(_ definition: BSON?) -> Set<String> {
        Set(definition?.documentValue?["properties"]?.documentValue?.keys ?? [])
    }

    func testEveryActionsStepDefinitionHasExactlyTheTablesArguments() throws {
        let definitions = try definitions()
        for action in OperationAction.allCases {
            let definition = definitions[action.rawValue + "Step"]
            XCTAssertNotNil(definition, "the schema has no \(action.rawValue)Step")
            guard let arguments = action.argumentKeys else { continue }
            // `timeoutMS` is a common key the loader refuses, with a reason, where it cannot apply.
            let common = action.commonKeys.filter { $0 != "timeoutMS" || action.acceptsTimeout }
            let expected = Set([action.rawValue] + arguments + common + (action.takesReadPreference ? ["readPreference"] : []))
            XCTAssertEqual(keys(definition), expected, "\(action.rawValue): schema \(keys(definition).subtracting(expected).sorted()) not in the table, table \(expected.subtracting(keys(definition)).sorted()) not in the schema")
        }
    }

    func testTheStepDispatchNamesEveryAction() throws {
        let step = try XCTUnwrap(try definitions()["step"]).extendedJSON(.relaxed)
        for key in StepParser.actionKeys {
            XCTAssertTrue(step.contains("{\"required\":[\"\(key)\"]}"), "the schema's step does not dispatch on \(key)")
        }
    }

    func testBulkWriteRequestsTakeTheLoadersArguments() throws {
        let requests = try XCTUnwrap(try definitions()["bulkRequest"]?.documentValue?["properties"]?.documentValue)
        XCTAssertEqual(Set(requests.keys), Set(StepParser.bulkRequestKinds.keys))
        for (kind, shape) in StepParser.bulkRequestKinds {
            XCTAssertEqual(keys(requests[kind]), Set(shape.allowed), kind)
        }
    }

    private func schema(_ name: String) throws -> BSONDocument {
        let text = try String(contentsOfFile: ScratchServerTestCase.packageRoot + "/scenarios/schema/\(name).schema.json", encoding: .utf8)
        return try ExtendedJSON.parseDocument(text)
    }

    func testTheCompatSchemaTakesTheLoadersKeys() throws {
        let compat = try schema("compat")
        XCTAssertEqual(keys(.document(compat)), Set(CompatLoader.topLevelKeys))
        let field = compat["properties"]?.documentValue?["fields"]?.documentValue?["additionalProperties"]
        XCTAssertEqual(keys(field), Set(CompatLoader.fieldKeys))
        let rule = compat["properties"]?.documentValue?["reachability"]?.documentValue?["items"]
        XCTAssertEqual(keys(rule), Set(CompatLoader.ruleKeys))
    }

    func testTheMigrationSchemaTakesTheLoadersKeys() throws {
        let migration = try schema("migration")
        XCTAssertEqual(keys(.document(migration)), Set(MigrationLoader.topLevelKeys))
        let change = migration["properties"]?.documentValue?["changes"]?.documentValue?["additionalProperties"]
        XCTAssertEqual(keys(change), Set(MigrationLoader.changeKeys))
    }

    /// The step keys the loader takes out of an operation's arguments are the common keys
    /// every step may carry: a key added to one list and not the other would be allowed
    /// on a step and then sent to the server as an argument.
    func testTheKeysTakenOutOfTheArgumentsAreTheCommonKeys() {
        XCTAssertEqual(Set(StepParser.CommonKeys.keys), Set(OperationAction.commonKeys + ["readPreference"]))
        let every: BSONDocument = ["find": "c", "filter": [:], "name": "n", "expect": [], "expectError": [:], "save": "s",
                                   "timeoutMS": 5, "readPreference": "primary", "maxTimeMS": 3]
        let read = StepParser.CommonKeys(every, .find)
        XCTAssertEqual(read.arguments.keys, ["filter", "maxTimeMS"])
        XCTAssertTrue(read.hasMaxTimeMS)
        XCTAssertEqual(read.save, "s")
        XCTAssertEqual(read.timeoutMS, 5)
        // For an index, `name` is the index's.
        let index = StepParser.CommonKeys(["createIndex": "c", "key": ["a": 1], "name": "a_1", "expect": [:]], .createIndex)
        XCTAssertEqual(index.arguments.keys, ["key", "name"])
        // A command's arguments are its command document, not the step's other keys.
        XCTAssertTrue(StepParser.CommonKeys(["command": ["ping": 1], "on": "admin"], .command).arguments.isEmpty)
        // The first of a key written twice, as a lookup finds.
        let twice = StepParser.CommonKeys(BSONDocument([("find", "c"), ("save", "first"), ("save", "second")]), .find)
        XCTAssertEqual(twice.save, "first")
        XCTAssertTrue(twice.arguments.isEmpty)
    }
}
