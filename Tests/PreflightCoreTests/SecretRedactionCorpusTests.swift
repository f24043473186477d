import Foundation
import XCTest

@testable import PreflightCore

/// Issue 11's planted secrets, through the built binary: every output of every format
/// (standard output and error, JUnit plain and extended, JSON, Markdown, `--verbose`) is
/// searched for every planted value. Each scenario test fails on purpose, so its values
/// are printed — masked, if redaction by value works.
final class SecretRedactionCorpusTests: ScratchServerTestCase {
    /// The values planted in `secrets/planted-secrets.json` and on the command line.
    static let planted = [
        "Fx-pa55word-1",  // a fixture's `password`, shown by `distinct`
        "tok-Fixture-9f3",  // a fixture's nested `apiToken`, copied under a plain key
        "q7z",  // a fixture's short `pwd`, shown by `distinct`
        "Var-nested-s3cret",  // the nested value of the variable `apiSecret`
        "Cli-t0ken-value",  // --var sessionToken=…
        "Srv-u-1-pw71",  // a password the server computes, renamed by `$project`
        "Dst-u-2-pw72",  // a password the server computes, listed by `distinct`
        "Expr-literal-pw",  // a literal compared with `$password` inside `$expr`
    ]

    /// Passwords written with unencoded `/ ? @ :` and percent-encoded, with what libmongoc
    /// quotes of them when it splits the string at the wrong place.
    static let uriPasswords: [(password: String, leaks: [String])] = [
        ("S3cr/etPassw0rd", ["S3cr/etPassw0rd", "etPassw0rd", "alice:S3cr"]),
        ("p?ss@passw0rd", ["p?ss@passw0rd", "passw0rd@", "ss@passw0rd"]),
        ("ab@cd:ef12", ["ab@cd:ef12", "cd:ef12@", "cd@", "alice:ab"]),
        ("Enc%2Fpass%40word", ["Enc%2Fpass%40word", "Enc/pass@word"]),
    ]


    func testNoPlantedSecretReachesAnyOutputOfAnyFormat() throws {
        let uri = try XCTUnwrap(Self.server, "no scratch server").uri
        let scenario = ScenarioFixtures.path("secrets/planted-secrets.json")
        let variants: [(name: String, arguments: [String])] = [
            ("verbose", ["--verbose", "--json", folder.path + "/verbose.json", "--summary", folder.path + "/verbose.md"]),
            ("extended", ["--junit-extended", "--json", folder.path + "/extended.json"]),
            ("quiet", ["--quiet", "--summary", folder.path + "/quiet.md"]),
        ]
        for (name, extra) in variants {
            let junit = folder.path + "/\(name).xml"
            let run = try PreflightProcess.run(
                ["run", scenario, "--uri", uri, "--var", "sessionToken=Cli-t0ken-value", "--junit", junit] + extra)
            XCTAssertEqual(run.status, 1, run.transcript)
            var outputs = ["\(name): standard output": run.standardOutput, "\(name): standard error": run.standardError]
            for path in [junit] + extra.filter({ $0.hasPrefix(folder.path) }) {
                outputs["\(name): \(path)"] = try String(contentsOfFile: path, encoding: .utf8)
            }
            assertNoneOf(Self.planted, in: outputs)
            // The tests must fail on their values, or the search above proves nothing: each
            // mismatch prints the value it got, masked.
            if name != "quiet" {
                XCTAssertEqual(run.standardOutput.components(separatedBy: "\n").filter { $0.hasPrefix("  ✗ ") }.count, 9, run.transcript)
            }
            XCTAssertTrue(run.standardOutput.contains(#"got "<redacted>""#), run.transcript)
            XCTAssertTrue(run.standardOutput.contains(#"[{"renamed":"<redacted>"}]"#), run.transcript)
        }
    }

    /// The command log, in the failure's details and the JSON report, shows the `$expr`
    /// literal masked, and the commands themselves are still there.
    func testTheCommandLogKeepsItsCommandsAndLosesTheirSecrets() throws {
        let uri = try XCTUnwrap(Self.server, "no scratch server").uri
        let json = folder.path + "/run.json"
        let run = try PreflightProcess.run([
            "run", ScenarioFixtures.path("secrets/planted-secrets.json"), "--uri", uri, "--filter", "$expr",
            "--junit", folder.path + "/junit.xml", "--json", json,
        ])
        XCTAssertEqual(run.status, 1, run.transcript)
        let report = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertTrue(report.contains(#"{\"$eq\":[\"$password\",\"<redacted>\"]}"#), report)
        XCTAssertFalse(report.contains("Expr-literal-pw"), report)
    }

    func testAConnectionStringPasswordIsMaskedHoweverItIsWritten() throws {
        for (password, leaks) in Self.uriPasswords {
            let uri = "mongodb://alice:\(password)@127.0.0.1:1/?serverSelectionTimeoutMS=300"
            let paths = ["junit": folder.path + "/uri.xml", "json": folder.path + "/uri.json", "summary": folder.path + "/uri.md"]
            let run = try PreflightProcess.run([
                "run", ScenarioFixtures.path("passing/crud-operations.json"), "--uri", uri, "--verbose", "--junit-extended",
                "--junit", paths["junit"] ?? "", "--json", paths["json"] ?? "", "--summary", paths["summary"] ?? "",
            ])
            // 64 when libmongoc refuses the string (a usage error), 3 when nothing answers.
            XCTAssertTrue([3, 64].contains(run.status), run.transcript)
            var outputs = ["\(password): standard output": run.standardOutput, "\(password): standard error": run.standardError]
            for (format, path) in paths { outputs["\(password): \(format)"] = try String(contentsOfFile: path, encoding: .utf8) }
            assertNoneOf(leaks, in: outputs)
            // Still a useful message: the user and the host are shown.
            XCTAssertTrue(run.standardError.contains("mongodb://alice:***@127.0.0.1:1/"), run.transcript)
        }
    }

    private func assertNoneOf(_ secrets: [String], in outputs: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        for (output, text) in outputs.sorted(by: { $0.key < $1.key }) {
            for secret in secrets where text.contains(secret) {
                XCTFail("\(output) shows the planted secret \(secret):\n\(text)", file: file, line: line)
            }
        }
    }
}
