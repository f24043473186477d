import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Migration files written to a fresh folder, loaded with the loader `migrate verify`
/// uses, and verified on the class's scratch server.
extension ScratchServerTestCase {
    /// Writes `text` as `migration.json` (and `files` beside it) and loads it.
    func migration(_ text: String, files: [String: String] = [:], in folder: ScenarioFolder) throws -> Migration {
        for (relative, content) in files.merging(["migration.json": text], uniquingKeysWith: { first, _ in first }) {
            try folder.write(relative, content)
        }
        do {
            return try MigrationLoader().load(folder.path + "/migration.json")
        } catch {
            XCTFail("a valid migration was rejected:\n" + error.errors.map(\.description).joined(separator: "\n"))
            throw error
        }
    }

    /// Verifies `migration` on the class's server, as `migrate verify` does.
    func verify(_ migration: Migration, source: MigrationSource = .fixtures, keepDatabases: Bool = false) throws -> SuiteResult {
        var options = RunOptions()
        options.keepDatabases = keepDatabases
        let run = try ScenarioRun(uri: try XCTUnwrap(Self.server, "no scratch server").uri, options: options)
        defer { run.close() }
        let suites = MigrationVerifier(run: run, source: source).verify([migration], observer: nil)
        return try XCTUnwrap(suites.first)
    }
}

extension SuiteResult {
    /// `passed`, `failed: message`, `errored: message` or `skipped: reason` per check, by name.
    var checkOutcomes: [String: String] {
        Dictionary(tests.map { ($0.name, $0.outcome.summary) }, uniquingKeysWith: { first, _ in first })
    }

    /// The whole failure (message and details) of the check named `name`, or "".
    func failureText(of name: String) -> String {
        guard let test = tests.first(where: { $0.name == name }) else { return "" }
        switch test.outcome {
        case .failed(let problem), .errored(let problem): return problem.message + "\n" + problem.details
        case .passed, .skipped: return ""
        }
    }
}

extension TestResult.Outcome {
    var summary: String {
        switch self {
        case .passed: "passed"
        case .failed(let problem): "failed: " + problem.message
        case .errored(let problem): "errored: " + problem.message
        case .skipped(let reason): "skipped: " + reason
        }
    }

    var word: String { String(summary.prefix { $0 != ":" }) }
}

/// The checks' names as reports show them.
enum Checks {
    static let up = "up succeeds"
    static let counts = "up keeps every collection's document count"
    static let fields = "up changes only the fields declared in changes"
    static let compat = "the compat spec passes after up"
    static let idempotent = "up is idempotent: a second up changes nothing"
    static let down = "down restores the snapshot exactly"
    static let all = [up, counts, fields, compat, idempotent, down]
}
