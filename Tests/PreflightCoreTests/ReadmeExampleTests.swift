import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Every JSON example in the README and in `docs/` is run by this test, so the reference
/// cannot drift from the program. Each ```` ```json ```` block is preceded by a line that
/// says what it is:
/// - `<!-- readme-example: PATH -->`: saved at PATH in a copy of the repository's layout
///   (its `examples/`, `scenarios/` and `.venv` linked in), checked with `preflight check`,
///   and run on the class's scratch server when it is a sandbox scenario (a migration:
///   `migrate verify`); the listing a
///   ```` ``` ```` block right after it shows for `preflight check` must be what it prints.
/// - `<!-- readme-file: PATH -->`: a data file such an example needs, saved as written.
/// - `<!-- readme-same-as: FILE -->`: the same JSON as FILE of the repository (which the
///   suite runs), its `description` excepted.
/// - `<!-- readme-schema: scenario|checklist -->`: a file naming files that are not in the
///   repository, held to the editor schema with JSON Schema's reference validator.
/// - `<!-- readme-output: json-report -->`: a `--json` report; its keys are those a real
///   report has, at every level shown.
final class ReadmeExampleTests: ScratchServerTestCase {
    /// The reference's control-step example runs a transaction and a fail point.
    override class var topology: ScratchTopology { .replicaSet }

    struct Block {
        var source: String
        var marker: String
        var argument: String
        var text: String
        var language: String
        /// The ```` ``` ```` block right after it, when it shows `preflight check`.
        var listing: [String]
    }

    static func documents() -> [String] {
        var files = [packageRoot + "/README.md"]
        if let docs = try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/docs") {
            files += docs.filter { $0.hasSuffix(".md") }.sorted().map { packageRoot + "/docs/" + $0 }
        }
        return files
    }

    static func blocks(in file: String) throws -> [Block] {
        let lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index].hasPrefix("```"), lines[index].count > 3 || (index > 0 && lines[index - 1].hasPrefix("<!-- readme-")) else { continue }
            let language = String(lines[index].dropFirst(3))
            guard let end = lines[(index + 1)...].firstIndex(where: { $0 == "```" }) else { break }
            let text = lines[(index + 1)..<end].joined(separator: "\n")
            let previous = index > 0 ? lines[index - 1] : ""
            var block = Block(source: "\(file):\(index + 1)", marker: "", argument: "", text: text, language: language, listing: [])
            if let match = previous.firstMatch(of: /^<!-- readme-([a-z-]+): (\S+).*-->$/) {
                block.marker = String(match.1)
                block.argument = String(match.2)
            }
            if let open = lines[(end + 1)...].firstIndex(where: { $0.hasPrefix("```") }), lines[open] == "```",
                let close = lines[(open + 1)...].firstIndex(of: "```"), lines[open + 1].hasPrefix("✓ ")
            {
                block.listing = Array(lines[(open + 1)..<close])
            }
            index = end
            if language == "json" || !block.marker.isEmpty { blocks.append(block) }
        }
        return blocks
    }

    /// A directory in the copy that can be written into: a linked one is replaced by a real
    /// one holding links to what it held.
    private func materialize(_ directory: String, root: String) throws {
        let manager = FileManager.default
        guard directory.hasPrefix(root), directory != root else { return }
        try materialize((directory as NSString).deletingLastPathComponent, root: root)
        if let destination = try? manager.destinationOfSymbolicLink(atPath: directory) {
            try manager.removeItem(atPath: directory)
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: false)
            for entry in try manager.contentsOfDirectory(atPath: destination) {
                try manager.createSymbolicLink(atPath: directory + "/" + entry, withDestinationPath: destination + "/" + entry)
            }
        } else if !manager.fileExists(atPath: directory) {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    func testEveryJSONExampleOfTheDocumentationRuns() throws {
        let root = folder.path
        for shared in ["examples", ".venv", "scenarios"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/" + shared, withDestinationPath: Self.packageRoot + "/" + shared)
        }
        var blocks: [Block] = []
        for document in Self.documents() { blocks += try Self.blocks(in: document) }
        XCTAssertGreaterThan(blocks.filter { $0.language == "json" }.count, 5)
        for block in blocks where block.language == "json" {
            XCTAssertNoThrow(try ExtendedJSON.parseDocument(block.text), "\(block.source): not JSON")
            XCTAssertFalse(block.marker.isEmpty, "\(block.source): a JSON example without a readme- line saying how it is run")
        }
        // Data files first: the examples need them.
        var examples: [(path: String, block: Block)] = []
        for block in blocks {
            switch block.marker {
            case "file", "example":
                try materialize(((root + "/" + block.argument) as NSString).deletingLastPathComponent, root: root)
                try Data((block.text + "\n").utf8).write(to: URL(fileURLWithPath: root + "/" + block.argument))
                if block.marker == "example" { examples.append((block.argument, block)) }
            case "same-as":
                var shown = try ExtendedJSON.parseDocument(block.text)
                var file = try ExtendedJSON.parseDocument(String(contentsOfFile: Self.packageRoot + "/" + block.argument, encoding: .utf8))
                shown["description"] = nil
                file["description"] = nil
                XCTAssertEqual(shown, file, "\(block.source) is no longer \(block.argument)")
            case "schema":
                let path = root + "/schema-\(examples.count)-\(block.argument).json"
                try Data(block.text.utf8).write(to: URL(fileURLWithPath: path))
                let result = try SchemaAgreementTests.validate([path])
                XCTAssertEqual(result.status, 0, "\(block.source): \(result.output)")
            case "output":
                XCTAssertEqual(block.argument, "json-report", block.source)
                try assertShapeOfAJSONReport(block)
            case "":
                break
            default:
                XCTFail("\(block.source): unknown marker readme-\(block.marker)")
            }
        }
        XCTAssertFalse(examples.isEmpty)
        for (path, block) in examples {
            let check = try runBinary(["check", path], in: root)
            XCTAssertEqual(check.status, 0, "\(block.source): \(check.transcript)")
            if !block.listing.isEmpty {
                XCTAssertEqual(Array(check.lines.prefix(block.listing.count)), block.listing, "\(block.source): \(check.transcript)")
            }
            let document = try ExtendedJSON.parseDocument(block.text)
            if document["migration"] != nil {
                let verify = try runBinary(["migrate", "verify", path, "--uri", try serverURI, "--junit", root + "/junit.xml"], in: root)
                XCTAssertEqual(verify.status, 0, "\(block.source): \(verify.transcript)")
                continue
            }
            guard document["tests"] != nil, document["mode"]?.stringValue != "live" else { continue }
            let run = try runBinary(["run", path, "--uri", try serverURI, "--fail-on-skip", "--junit", root + "/junit.xml"], in: root)
            XCTAssertEqual(run.status, 0, "\(block.source): \(run.transcript)")
        }
    }

    /// The README's report, against one this build writes: the same keys at the top, in a
    /// suite, a test, a step and a failure.
    private func assertShapeOfAJSONReport(_ block: Block) throws {
        let file = try folder.write("report-source.json", #"""
            {"preflight": 1, "name": "billing", "fixtures": {"orders": [{"_id": "o-1"}]},
             "tests": [{"name": "billing marks the order", "steps": [{"count": "orders", "filter": {"billed": true}, "expect": 1}]}]}
            """#)
        let path = folder.path + "/report.json"
        _ = try runBinary(["run", file, "--uri", try serverURI, "--json", path, "--junit", folder.path + "/j.xml"])
        let real = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let shown = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(block.text.utf8)) as? [String: Any])
        func keys(_ value: Any?) -> Set<String> { Set((value as? [String: Any])?.keys.map { $0 } ?? []) }
        func first(_ value: Any?, _ key: String) -> Any? { ((value as? [String: Any])?[key] as? [Any])?.first }
        XCTAssertEqual(keys(shown), keys(real), "\(block.source): top-level keys")
        XCTAssertEqual(keys(shown["preflight"]), keys(real["preflight"]), "\(block.source): preflight")
        XCTAssertEqual(keys(shown["totals"]), keys(real["totals"]), "\(block.source): totals")
        let (shownSuite, realSuite) = (first(shown, "suites"), first(real, "suites"))
        XCTAssertEqual(keys(shownSuite), keys(realSuite), "\(block.source): a suite")
        // A failing test, in both.
        let shownTest = ((shownSuite as? [String: Any])?["tests"] as? [[String: Any]])?.first { $0["failure"] != nil }
        let realTest = ((realSuite as? [String: Any])?["tests"] as? [[String: Any]])?.first
        XCTAssertEqual(keys(shownTest), keys(realTest), "\(block.source): a failing test")
        XCTAssertEqual(keys(shownTest?["failure"]), keys(realTest?["failure"]), "\(block.source): a failure")
        // The failing step, in both: it carries its message.
        func failingStep(_ test: Any?) -> Any? {
            ((test as? [String: Any])?["steps"] as? [[String: Any]])?.first { ($0["outcome"] as? String) != "passed" }
        }
        XCTAssertFalse(keys(failingStep(shownTest)).isEmpty, "\(block.source): the example shows no failing step")
        XCTAssertEqual(keys(failingStep(shownTest)), keys(failingStep(realTest)), "\(block.source): a failing step")
    }
}
