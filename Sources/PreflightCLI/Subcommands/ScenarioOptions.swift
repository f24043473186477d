import ArgumentParser
import Foundation
import Mongo
import PreflightCore

/// The options that choose and parameterise scenarios, shared by `run` and `check`.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Scenario files, or folders searched recursively for *.json (default: scenarios). FILE::\"test name\" selects exactly that test of the file (as --list prints it).",
        valueName: "paths"))
    var paths: [String] = []

    @Flag(help: "List every selected test as FILE::test name with its tags, and exit without connecting to anything.")
    var list = false

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp(
            "Set a variable the files declare, replacing their `vars` entry: the value is read as JSON when it parses as JSON (--var limit=10, --var 'ids=[1,2]'), else as a string (--var month=2026-01); a value meant as JSON (an object, array or number) must be exact JSON. Repeatable.",
            valueName: "name=value"))
    var variables: [String] = []

    var searchPaths: [String] { paths.isEmpty ? ["scenarios"] : paths.map { $0.components(separatedBy: "::")[0] } }

    /// The tests named exactly, `FILE::test name`.
    var exactTests: [ExactTest] {
        paths.compactMap { path in
            guard let separator = path.range(of: "::") else { return nil }
            return ExactTest(file: String(path[..<separator.lowerBound]), test: String(path[separator.upperBound...]))
        }
    }

    func validate() throws {
        _ = try variableOverrides()
    }

    /// `--var` values as a document, in the order given (a later one wins).
    func variableOverrides() throws -> BSONDocument {
        var document = BSONDocument()
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--var takes name=value, got \"\(assignment)\".")
            }
            let name = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            guard VariableName.isValid(name) else {
                throw ValidationError("--var \(name): a variable name uses letters, digits and _, starting with a letter or _.")
            }
            document[name] = try Self.value(text, of: name)
        }
        // `--var apiToken=…` is a secret from the moment it is read.
        Redaction.learn(.document(document))
        return document
    }

    /// JSON when it parses as JSON (Extended JSON included), else the text itself. Text
    /// that can only have been meant as JSON — an object, an array, a number, NaN or
    /// Infinity — must parse exactly: `{"$numberDecimal": "abc"}` taken as a string, or
    /// 99999999999999999999 wrapped, would be a value nobody wrote.
    static func value(_ text: String, of name: String) throws -> BSON {
        do {
            return try ExtendedJSON.parseDocument("{\"value\": \(text)}")["value"] ?? .string(text)
        } catch {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let meantAsJSON = trimmed.hasPrefix("{") || trimmed.hasPrefix("[")
                || trimmed.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil
                || ["NaN", "Infinity", "-Infinity"].contains(trimmed)
            guard meantAsJSON else { return .string(text) }
            throw ValidationError("--var \(name)=\(text): \(error.message); to pass it as a string, quote it as JSON: --var '\(name)=\"…\"'.")
        }
    }

    /// The names given with `--var`, in order.
    var variableNames: [String] {
        variables.compactMap { assignment in assignment.firstIndex(of: "=").map { String(assignment[..<$0]) } }
    }

    /// Why an exactly named test is not there, with the nearest names; nil when all are.
    func missingExactTest(in catalog: ScenarioCatalog) -> String? {
        for wanted in exactTests {
            guard let scenario = catalog.scenarios.first(where: { wanted.names($0.file) }) else {
                return "\(wanted.file)::\(wanted.test): \(wanted.file) is not a scenario file."
            }
            let names = scenario.tests.map(\.name)
            if !names.contains(wanted.test) {
                let nearest = NearestName.suggestion(for: wanted.test, among: names).map { "; did you mean \"\($0)\"?" } ?? "."
                return "\(scenario.file) has no test named \"\(wanted.test)\"\(nearest) Its tests: " + names.map { "\"\($0)\"" }.joined(separator: ", ") + "."
            }
        }
        return nil
    }

    /// `--list`: each test as `FILE::test name`, and its tags and the file's, if any.
    static func listing(_ selection: [(scenario: Scenario, tests: [ScenarioTest])]) -> [String] {
        selection.flatMap { scenario, tests in
            tests.map { test in
                let tags = scenario.tags + test.tags.filter { !scenario.tags.contains($0) }
                return "\(scenario.file)::\(test.name)" + (tags.isEmpty ? "" : "  [" + tags.joined(separator: ", ") + "]")
            }
        }
    }

    /// Loads and validates everything, offline.
    func catalog() throws -> ScenarioCatalog {
        ScenarioCatalog.load(searchPaths, loader: ScenarioLoader(variableOverrides: try variableOverrides()))
    }

    /// Prints every problem of an invalid catalog; the exit code to throw (2).
    /// - Parameter then: what it means: `run` ran nothing; `check` says what comes next.
    static func invalid(_ catalog: ScenarioCatalog, then: String = "nothing was run") -> ExitCode {
        CommandFailure.invalid(catalog.errors, then: then)
    }
}
