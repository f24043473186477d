import Foundation
import Mongo
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PreflightCore

/// The EarlyBird pack's folders, relative to the package root (the binary runs there, so
/// report classnames read `scenarios.earlybird.phase-0.7.billing-query`).
enum EarlyBirdPack {
    static let phase07 = "scenarios/earlybird/phase-0.7"
    static let incidents = "scenarios/earlybird/incidents"
    static let monitoring = "scenarios/earlybird/monitoring"
    static let passingFixtures = "Tests/PreflightCoreTests/Fixtures/scenarios/passing"
    static let failingFixtures = "Tests/PreflightCoreTests/Fixtures/scenarios/failing"

    static func absolute(_ relative: String) -> String { ScratchServerTestCase.packageRoot + "/" + relative }

    /// The tests of the scenario files under `folders` (relative to `root`), as
    /// `classname / name` in file order, read with the loader Preflight itself uses.
    static func expectedTests(in folders: [String], root: String = ScratchServerTestCase.packageRoot,
                              file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let catalog = ScenarioCatalog.load(folders.map { root + "/" + $0 }, loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [], file: file, line: line)
        return catalog.scenarios.flatMap { scenario in
            let relative = String(scenario.file.dropFirst(root.count + 1))
            // A live file also reports whether the collections it reads hold documents.
            let names = scenario.tests.map(\.name) + (scenario.mode == .live ? [LiveDataCheck.testName] : [])
            return names.map { SuiteResult.classname(forFile: relative) + " / " + $0 }
        }
    }
}

/// One finished run of the built `preflight`.
struct BinaryRun {
    var arguments: [String]
    var status: Int32
    var standardOutput: String
    var standardError: String

    var lines: [String] { standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var lastLine: String { lines.last ?? "" }
    var transcript: String {
        "preflight \(arguments.joined(separator: " "))\nexit \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
    }

    /// The console's suite headings and its ✓ / ✗ / ↷ lines, in order, with each test's
    /// time taken out (`(0.014 s)`): what must read the same for any `--jobs`.
    var testLines: [String] {
        lines.filter { line in
            line.hasPrefix("  ✓ ") || line.hasPrefix("  ✗ ") || line.hasPrefix("  ↷ ")
                || (!line.hasPrefix(" ") && line.contains(" — ") && !line.hasPrefix("JUnit report:"))
        }.map { $0.replacingOccurrences(of: #" \(\d+\.\d{3} s\)"#, with: "", options: .regularExpression) }
    }
}

extension ScratchServerTestCase {
    /// Runs the built `preflight` to its end in `directory` (the package root by default);
    /// a run that outlives `timeout` fails the test.
    func runBinary(_ arguments: [String], in directory: String = ScratchServerTestCase.packageRoot,
                   timeout: TimeInterval = 300, file: StaticString = #filePath, line: UInt = #line) throws -> BinaryRun {
        let process = try PreflightProcess(arguments, in: directory)
        if !process.waitForExit(timeout: timeout) {
            XCTFail("preflight \(arguments.joined(separator: " ")) hung for \(Int(timeout)) s:\n\(process.transcript)", file: file, line: line)
        }
        return BinaryRun(arguments: arguments, status: process.status, standardOutput: process.standardOutput,
                         standardError: process.standardError)
    }

    /// Every database on the class server whose name starts `pf_`, other than the test
    /// class's own `pf_test_…`: a run's sandbox, or something shaped like one.
    func runDatabasesOnServer() throws -> [String] {
        try withClient { try $0.databaseNames() }.filter { $0.hasPrefix("pf_") && !$0.hasPrefix("pf_test_") }
    }

    /// Fails when a `failCommand` fail point is still on: an insert from a fresh client must go through.
    func assertNoFailPointLeftOn(file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = "failpoint_probe_" + ObjectID().hex
        defer { try? withClient { try $0.dropDatabase(probe) } }
        do {
            try withClient { client in _ = try client.collection("orders", in: probe).insertOne(["_id": 1]) }
        } catch {
            XCTFail("a fail point was left on after the run: \(error)", file: file, line: line)
            try? withClient { _ = try $0.runCommand(["configureFailPoint": "failCommand", "mode": "off"], on: "admin") }
        }
    }
}

/// A JUnit report read suite by suite (`JUnitCases` reads only the test cases).
enum JUnitReportFile {
    struct Suite {
        var name: String
        /// The scenario file's classname.
        var package: String
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
        var systemOut: String
        var cases: [Case]
    }

    struct Case: Equatable {
        var classname: String
        var name: String
        /// `passed`, `failure`, `error` or `skipped`.
        var outcome: String
        var type: String?
        var message: String?

        var key: String { classname + " / " + name }
    }

    /// The text of the failure (or error) of the test case named `test`: its details and log.
    static func failureText(_ path: String, test: String) throws -> String {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        let element = cases.first { $0.attribute(forName: "name")?.stringValue == test }
        let child = (element?.children ?? []).compactMap { $0 as? XMLElement }.first { $0.name == "failure" || $0.name == "error" }
        return child?.stringValue ?? ""
    }

    static func read(_ path: String) throws -> [Suite] {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
        return try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }.map { suite in
            func number(_ name: String) -> Int { Int(suite.attribute(forName: name)?.stringValue ?? "") ?? -1 }
            let cases = suite.elements(forName: "testcase").map { element -> Case in
                let child = (element.children ?? []).compactMap { $0 as? XMLElement }.first { $0.name != "system-out" && $0.name != "system-err" }
                return Case(
                    classname: element.attribute(forName: "classname")?.stringValue ?? "",
                    name: element.attribute(forName: "name")?.stringValue ?? "",
                    outcome: child?.name ?? "passed",
                    type: child?.attribute(forName: "type")?.stringValue,
                    message: child?.attribute(forName: "message")?.stringValue)
            }
            return Suite(
                name: suite.attribute(forName: "name")?.stringValue ?? "",
                package: suite.attribute(forName: "package")?.stringValue ?? "",
                tests: number("tests"), failures: number("failures"), errors: number("errors"), skipped: number("skipped"),
                systemOut: suite.elements(forName: "system-out").first?.stringValue ?? "",
                cases: cases)
        }
    }
}

/// What differs between two runs of the same files and must be taken out before they are
/// compared: times, the host, and the names that carry the run's id.
enum RunNormalisation {
    /// The report's text without `time`, `timestamp` and `hostname`, with `pf_<run>_<n>`
    /// and `preflight-<run>[-<lane>]` replaced by placeholders.
    static func report(_ text: String) -> String {
        runIDs(text.replacingOccurrences(of: #" (time|timestamp|hostname)="[^"]*""#, with: "", options: .regularExpression))
    }

    static func runIDs(_ text: String) -> String {
        text.replacingOccurrences(of: #"pf_[0-9a-f]{6}_[0-9]+"#, with: "pf_RUN_N", options: .regularExpression)
            .replacingOccurrences(of: #"preflight-[0-9a-f]{6}(-[0-9]+)?"#, with: "preflight-RUN", options: .regularExpression)
    }

    /// A failure message with the run's names replaced and a race's tally taken out: how
    /// many iterations of a deliberately racy test lose the race is the scheduler's
    /// choice, that it fails and where is not.
    static func message(_ text: String?) -> String? {
        text.map {
            runIDs($0).replacingOccurrences(
                of: #"^\d+ of (\d+) iterations failed; the first \(iteration \d+\)"#, with: "some of $1 iterations failed; the first",
                options: .regularExpression)
        }
    }
}

/// A copy of `scenarios/earlybird` in a temporary folder, for mutation tests: the pack's
/// own files are never touched.
final class EarlyBirdCopy {
    private let directory: TemporaryDirectory
    /// The copy of `scenarios/earlybird`.
    let root: String
    var library: String { root + "/lib/earlybird.json" }

    init() throws {
        directory = try TemporaryDirectory()
        // Laid out as the repository is, so the app pack finds the example backend and the
        // .venv it runs with (`../../../examples/earlybird-backend`, `../../.venv`).
        root = directory.path + "/scenarios/earlybird"
        try FileManager.default.createDirectory(atPath: directory.path + "/scenarios", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: EarlyBirdPack.absolute("scenarios/earlybird"), toPath: root)
        for shared in ["examples", ".venv"] {
            try FileManager.default.createSymbolicLink(atPath: directory.path + "/" + shared, withDestinationPath: EarlyBirdPack.absolute(shared))
        }
    }

    /// Rewrites the copy's library with `edit`; returns the new text.
    @discardableResult
    func editLibrary(_ edit: (String) throws -> String) throws -> String {
        let before = try String(contentsOfFile: library, encoding: .utf8)
        let after = try edit(before)
        XCTAssertNotEqual(after, before, "the edit changed nothing")
        try Data(after.utf8).write(to: URL(fileURLWithPath: library))
        return after
    }
}

/// Small, exact edits of JSON text that keep everything else byte for byte (key order,
/// Extended JSON, layout): found by member name, with strings and nesting respected.
enum JSONText {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The range of the value of the first member named `key` inside `scope`.
    static func value(of key: String, in text: String, within scope: Range<String.Index>? = nil) throws -> Range<String.Index> {
        guard let member = members(named: key, in: text, within: scope).first else {
            let scope = scope ?? text.startIndex..<text.endIndex
            throw Problem(description: "no member \"\(key)\" in: \(text[scope].prefix(200))…")
        }
        return member.value
    }

    /// Every member named `key` inside `scope`: where its name starts and its value's range.
    static func members(named key: String, in text: String, within scope: Range<String.Index>? = nil)
        -> [(name: String.Index, value: Range<String.Index>)]
    {
        let scope = scope ?? text.startIndex..<text.endIndex
        var found: [(name: String.Index, value: Range<String.Index>)] = []
        var from = scope.lowerBound
        while let quoted = text.range(of: "\"\(key)\"", range: from..<scope.upperBound) {
            from = quoted.upperBound
            let colon = skipSpace(in: text, from: quoted.upperBound)
            guard colon < scope.upperBound, text[colon] == ":" else { continue }  // a string value, not a name
            let start = skipSpace(in: text, from: text.index(after: colon))
            guard let end = end(ofValueAt: start, in: text), end <= scope.upperBound else { continue }
            found.append((quoted.lowerBound, start..<end))
            from = end
        }
        return found
    }

    /// `text` with the only member named `key` inside `scope` removed, with its comma.
    static func removingMember(_ key: String, from text: String, within scope: Range<String.Index>) throws -> String {
        let found = members(named: key, in: text, within: scope)
        guard found.count == 1, let member = found.first else {
            throw Problem(description: "expected one member \"\(key)\", found \(found.count) in: \(text[scope].prefix(200))…")
        }
        var before = member.name
        while before > text.startIndex, text[text.index(before: before)].isWhitespace { before = text.index(before: before) }
        if before > text.startIndex, text[text.index(before: before)] == "," {
            // Not the first member: take the comma before it.
            return text.replacingCharacters(in: text.index(before: before)..<member.value.upperBound, with: "")
        }
        // The first member: take the comma after it, and the space up to the next member.
        var after = skipSpace(in: text, from: member.value.upperBound)
        if after < text.endIndex, text[after] == "," { after = skipSpace(in: text, from: text.index(after: after)) }
        return text.replacingCharacters(in: member.name..<after, with: "")
    }

    private static func skipSpace(in text: String, from start: String.Index) -> String.Index {
        var index = start
        while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
        return index
    }

    /// Where the JSON value starting at `start` ends (just after it).
    private static func end(ofValueAt start: String.Index, in text: String) -> String.Index? {
        guard start < text.endIndex else { return nil }
        let first = text[start]
        if first != "{" && first != "[" && first != "\"" {
            var index = start
            while index < text.endIndex, !",}]".contains(text[index]), !text[index].isWhitespace { index = text.index(after: index) }
            return index
        }
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                    if depth == 0 { return text.index(after: index) }
                }
            } else {
                switch character {
                case "\"": inString = true
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { return text.index(after: index) }
                default: break
                }
            }
            index = text.index(after: index)
        }
        return nil
    }
}
