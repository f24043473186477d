import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `{"$$var": …}` inside `vars` is resolved at load time, never sent as written; unknown
/// names and cycles are errors; a `--var` no file declares is refused.
final class VariableDefinitionsTests: XCTestCase {
    private func load(_ text: String, overrides: BSONDocument = [:]) throws(ValidationFailure) -> Scenario {
        let bytes = Array(text.utf8)
        let document: BSONDocument
        do { document = try ExtendedJSON.parseDocument(bytes) } catch { throw ValidationFailure([ValidationError(file: "v.json", message: "\(error)")]) }
        return try ScenarioLoader(variableOverrides: overrides).load(document, file: "v.json", bytes: bytes)
    }

    private static let tests = #""tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}]}]"#

    func testReferencesBetweenVariablesAreResolvedWithPathsAndOverrides() throws {
        let text = #"{"preflight": 1, "name": "v", "vars": {"month": "2026-01", "label": {"m": {"$$var": "month"}, "list": [{"$$var": "items.1"}]}, "items": [1, 2]}, "# + Self.tests + "}"
        let scenario = try load(text)
        XCTAssertEqual(scenario.vars["label"], ["m": "2026-01", "list": [2]])
        let overridden = try load(text, overrides: ["month": "2026-02"])
        XCTAssertEqual(overridden.vars["label"]?.documentValue?["m"], "2026-02", "a --var reaches the variables built from it")
        XCTAssertEqual(overridden.declaredVars, ["month", "label", "items"])
    }

    func testACycleAndAnUnknownNameAreValidationErrors() {
        let text = #"{"preflight": 1, "name": "v", "vars": {"month": "2026-01", "a": {"$$var": "b"}, "b": {"$$var": "a"}, "c": {"$$var": "mnth"}, "d": {"$$var": "month.x"}}, "# + Self.tests + "}"
        XCTAssertThrowsError(try load(text)) { error in
            let messages = (error as? ValidationFailure)?.errors.map(\.description) ?? []
            XCTAssertTrue(messages.contains { $0.contains("vars.a: the variables refer to each other in a cycle: a → b → a") }, "\(messages)")
            XCTAssertTrue(messages.contains { $0.contains("vars.c: unknown variable `mnth` in vars.c; did you mean `month`?") }, "\(messages)")
            XCTAssertTrue(messages.contains { $0.contains(#"vars.d: {"$$var": "month.x"}: month has no x"#) }, "\(messages)")
        }
    }

    /// A --var meant as JSON must be exact JSON: never taken as a string in silence.
    func testAVarThatLooksLikeJSONButIsNotExactIsAUsageError() throws {
        let folder = try ScenarioFolder()
        let file = try folder.write("v.json", #"{"preflight": 1, "name": "v", "vars": {"x": 1}, "tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}]}]}"#)
        for (value, message) in [
            (#"{"$numberDecimal":"abc"}"#, "is not a decimal number"), ("99999999999999999999", "is outside int64"),
            ("NaN", "bare NaN is not JSON"), (#"{"a": 1"#, "is not closed"),
        ] {
            let run = try PreflightProcess.run(["check", file, "--var", "x=\(value)"], timeout: 60)
            XCTAssertEqual(run.status, 64, run.transcript)
            XCTAssertTrue(run.standardError.contains("--var x=\(value): ") && run.standardError.contains(message), run.transcript)
        }
        for value in ["2026-01", "hello world", #""NaN""#, "[1, 2]", #"{"$numberDecimal": "1.50"}"#] {
            let run = try PreflightProcess.run(["check", file, "--var", "x=\(value)"], timeout: 60)
            XCTAssertEqual(run.status, 0, run.transcript)
        }
    }

    func testAVarNoFileDeclaresIsNamedWithTheNearestName() {
        XCTAssertNil(VariableOverrides.problem(["month"], declared: ["month", "limit"]))
        XCTAssertEqual(
            VariableOverrides.problem(["mnth"], declared: ["month", "limit"]),
            "No selected file declares --var mnth (did you mean month?) in its vars; they declare limit, month. A --var sets a variable a file declares.")
    }
}
