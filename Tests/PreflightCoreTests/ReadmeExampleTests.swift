import Foundation
import XCTest

@testable import PreflightCore

/// The README's examples run as written: each JSON block after a
/// `<!-- readme-example: PATH -->` line is saved at PATH in a copy of the repository's
/// layout (its `examples/`, `scenarios/earlybird/` and `.venv` linked in), checked, and
/// run on the class's scratch server; the listing the README shows for it is what
/// `preflight check` prints.
final class ReadmeExampleTests: ScratchServerTestCase {
    struct Example {
        var path: String
        var json: String
        /// The ```` ``` ```` block that follows the example, when it shows `preflight check`.
        var checkListing: [String]
    }

    static func examples() throws -> [Example] {
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        var examples: [Example] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard let marker = lines[index].firstMatch(of: /^<!-- readme-example: (\S+) -->$/) else { continue }
            guard lines[index + 1] == "```json", let end = lines[(index + 2)...].firstIndex(of: "```") else { continue }
            var example = Example(path: String(marker.1), json: lines[(index + 2)..<end].joined(separator: "\n"), checkListing: [])
            if let open = lines[(end + 1)...].firstIndex(where: { $0.hasPrefix("```") }), lines[open] == "```",
                let close = lines[(open + 1)...].firstIndex(of: "```"), lines[open + 1].hasPrefix("✓ " + example.path)
            {
                example.checkListing = Array(lines[(open + 1)..<close])
            }
            examples.append(example)
        }
        return examples
    }

    func testEveryReadmeExampleIsValidListsWhatItRunsAndPasses() throws {
        let examples = try Self.examples()
        XCTAssertFalse(examples.isEmpty, "no readme-example blocks found")
        let root = folder.path
        for shared in ["examples", ".venv"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/" + shared, withDestinationPath: Self.packageRoot + "/" + shared)
        }
        for example in examples {
            let file = try folder.write(example.path, example.json)
            let check = try runBinary(["check", example.path], in: root)
            XCTAssertEqual(check.status, 0, "\(example.path): \(check.transcript)")
            if !example.checkListing.isEmpty {
                XCTAssertEqual(Array(check.lines.prefix(example.checkListing.count)), example.checkListing, check.transcript)
            }
            let run = try runBinary(["run", file, "--uri", try serverURI, "--junit", root + "/junit.xml"], in: root)
            XCTAssertEqual(run.status, 0, "\(example.path): \(run.transcript)")
        }
    }
}
