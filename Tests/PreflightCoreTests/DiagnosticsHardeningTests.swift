import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Every validation message is one located line: control characters shown, not obeyed;
/// long keys clipped; a file that cannot be read named where it is included; and loading
/// stays linear in long chains of procedures.
final class DiagnosticsHardeningTests: XCTestCase {
    private func problems(_ text: String, in folder: ScenarioFolder) throws -> [String] {
        let file = try folder.write("s.json", text)
        let catalog = ScenarioCatalog.load([file], loader: ScenarioLoader())
        return catalog.errors.map { String($0.description.dropFirst(folder.path.count + 1)) }
    }

    func testControlCharactersAndNULAreShownEscapedOnOneLine() throws {
        let folder = try ScenarioFolder()
        let messages = try problems(#"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}], "st\u001b[31m\nx\f": 1}]}"#, in: folder)
        XCTAssertEqual(messages.count, 1, "\(messages)")
        let message = try XCTUnwrap(messages.first)
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 }, message)
        XCTAssertTrue(message.contains(#"unknown key `st\u{1B}[31m\nx\u{0C}`"#), message)

        // A raw NUL byte in the text: libbson's message would end at it.
        let nul = try folder.write("nul.json", "{\"preflight\": 1, \"name\": \"s\u{0}x\", \"tests\": []}")
        let error = ScenarioCatalog.load([nul], loader: ScenarioLoader()).errors.first?.description ?? ""
        XCTAssertTrue(error.hasSuffix("nul.json:1:28: a NUL byte (0x00) cannot stand in JSON text; inside a string, write \\u0000"), error)
    }

    func testALongKeyIsClippedInTheMessage() throws {
        let folder = try ScenarioFolder()
        let key = String(repeating: "k", count: 1_000_000)
        let messages = try problems(#"{"preflight": 1, "name": "s", "tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}], "\#(key)": 1}]}"#, in: folder)
        XCTAssertEqual(messages.count, 1)
        XCTAssertLessThan(messages[0].utf8.count, 1_000, "a 1 MB key printed whole")
    }

    func testAnIncludeOrFixtureThatIsNoFileIsNamedAtItsSite() throws {
        let folder = try ScenarioFolder()
        XCTAssertEqual(mkfifo(folder.path + "/pipe.json", 0o600), 0)
        try FileManager.default.createDirectory(atPath: folder.path + "/dir.json", withIntermediateDirectories: false)
        let messages = try problems(#"""
            {"preflight": 1, "name": "s", "include": ["pipe.json"], "fixtures": {"c": {"file": "dir.json"}},
             "tests": [{"name": "t", "steps": [{"count": "c", "expect": 0}]}]}
            """#, in: folder)
        XCTAssertEqual(messages, [
            "s.json:1:43: include[0]: \(folder.path)/pipe.json is a named pipe (FIFO), expected a JSON file",
            "s.json:1:76: fixtures.c.file: \(folder.path)/dir.json is a directory, expected a JSON file",
        ])
    }

    func testAnUnknownCompatTypeIsOneProblem() throws {
        let folder = try ScenarioFolder()
        let file = try folder.write("c.json", #"{"preflight": 1, "compat": "c", "collection": "o", "fields": {"billed": {"type": "bol", "default": false}}}"#)
        XCTAssertThrowsError(try CompatLoader.load(file: file)) { error in
            XCTAssertEqual((error as? CompatLoadError)?.errors.map(\.message), ["unknown type `bol`; did you mean `bool`?"])
        }
    }

    /// 10,000 procedures each running the next load (a walk per procedure made this take
    /// minutes); a cycle is named with its chain.
    func testLongChainsOfProceduresLoadAndCyclesAreNamed() throws {
        let folder = try ScenarioFolder()
        let procedures = (0..<10_000).map { number in
            number < 9_999 ? #""p\#(number)": {"steps": [{"run": "p\#(number + 1)"}]}"# : #""p\#(number)": {"steps": [{"count": "c", "expect": 0}]}"#
        }
        let chain = #"{"preflight": 1, "name": "chain", "procedures": {"# + procedures.joined(separator: ", ") + #"}, "tests": [{"name": "t", "steps": [{"run": "p0"}]}]}"#
        XCTAssertEqual(try problems(chain, in: folder), [])

        let cycle = #"{"preflight": 1, "name": "c", "procedures": {"a": {"steps": [{"run": "b"}]}, "b": {"steps": [{"run": "a"}]}, "d": {"steps": [{"run": "d"}]}}, "tests": [{"name": "t", "steps": [{"run": "a"}]}]}"#
        let messages = try problems(cycle, in: folder)
        XCTAssertTrue(messages.contains { $0.hasSuffix("procedures.a: the procedure `a` runs itself (a → b → a), so it would never end") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasSuffix("procedures.d: the procedure `d` runs itself (d → d), so it would never end") }, "\(messages)")
    }
}
