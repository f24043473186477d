import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// `--jobs N` and `--shard K/N` (the README, “Running”) through the built binary against the class's
/// scratch server: any number of jobs gives the same results and the same reports in the
/// same order, shards split the files with neither a gap nor an overlap, and parallel
/// runs leave no sandbox behind.
final class ScaleOutTests: ScratchServerTestCase {
    /// The port nobody listens on: a run that got as far as the server would exit 3.
    static let unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500"

    /// phase-0.7 (five files) and incidents (one): what the shard tests split.
    static let packFiles = 6


    // MARK: - --jobs

    /// The pack and the passing fixtures (among them a file whose fail points must fail
    /// only its own lane's commands) with 1, 2 and 3 jobs: the same report once times, the
    /// host and the run's names are taken out, and the same console lines in the same order.
    func testOneTwoOrThreeJobsGiveTheSameReportAndConsole() throws {
        let paths = [EarlyBirdPack.phase07, EarlyBirdPack.incidents, EarlyBirdPack.passingFixtures]
        let expected = EarlyBirdPack.expectedTests(in: paths)
        var baseline: (report: String, suites: [JUnitReportFile.Suite], console: [String])?
        for jobs in 1...3 {
            let junit = folder.path + "/jobs-\(jobs).xml"
            let run = try runBinary(["run"] + paths + ["--uri", try serverURI, "--jobs", "\(jobs)", "--junit", junit])
            XCTAssertEqual(run.status, 0, "--jobs \(jobs): \(run.transcript)")
            JUnitCases.validate(junit)
            let report = RunNormalisation.report(try String(contentsOfFile: junit, encoding: .utf8))
            let suites = try JUnitReportFile.read(junit)
            XCTAssertEqual(suites.flatMap(\.cases).map(\.key), expected, "--jobs \(jobs): every test once, in file order")
            XCTAssertEqual(
                suites.flatMap(\.cases).filter { $0.outcome != "passed" && $0.outcome != "skipped" }.map { "\($0.key): \($0.message ?? "")" },
                [], "--jobs \(jobs)")
            XCTAssertEqual(run.testLines.filter { $0.hasPrefix("  ✓ ") || $0.hasPrefix("  ↷ ") }.count, expected.count, run.transcript)
            XCTAssertEqual(try runDatabasesOnServer(), [], "--jobs \(jobs) left sandboxes")

            guard let baseline else {
                baseline = (report, suites, run.testLines)
                continue
            }
            // Suites, cases, outcomes first, for a readable message; then everything else.
            XCTAssertEqual(suites.map(\.package), baseline.suites.map(\.package), "--jobs \(jobs): suites in another order")
            XCTAssertEqual(suites.map(\.name), baseline.suites.map(\.name), "--jobs \(jobs)")
            XCTAssertEqual(suites.flatMap(\.cases), baseline.suites.flatMap(\.cases), "--jobs \(jobs): test cases or outcomes differ")
            XCTAssertEqual(run.testLines, baseline.console, "--jobs \(jobs): the console's test lines differ")
            if report != baseline.report {
                XCTFail("--jobs \(jobs): the normalised report differs from --jobs 1:\n\(firstDifference(baseline.report, report))")
            }
        }
        try assertNoFailPointLeftOn()
    }

    /// `--fail-fast` with three jobs stops where one job stops: the same tests run, pass,
    /// fail and are skipped, because it runs one file at a time, and it says so.
    func testFailFastStopsAtTheSamePlaceWithOneOrThreeJobs() throws {
        let paths = [EarlyBirdPack.passingFixtures, EarlyBirdPack.failingFixtures, EarlyBirdPack.phase07]
        var outcomes: [[String]] = []
        for jobs in [1, 3] {
            let junit = folder.path + "/fail-fast-\(jobs).xml"
            let run = try runBinary(["run"] + paths + ["--uri", try serverURI, "--jobs", "\(jobs)", "--fail-fast", "--junit", junit])
            XCTAssertEqual(run.status, 1, run.transcript)
            XCTAssertEqual(run.standardError.contains("--fail-fast runs one file at a time"), jobs > 1, run.transcript)
            let cases = try JUnitReportFile.read(junit).flatMap(\.cases)
            XCTAssertEqual(cases.filter { $0.outcome == "failure" || $0.outcome == "error" }.count, 1, run.transcript)
            XCTAssertTrue(cases.contains { $0.outcome == "skipped" }, run.transcript)
            outcomes.append(cases.map { "\($0.key): \($0.outcome)" })
        }
        XCTAssertEqual(outcomes.last, outcomes.first, "--fail-fast stopped elsewhere with --jobs 3")
        XCTAssertEqual(try runDatabasesOnServer(), [])
    }

    /// Passing, failing and fail-point files together on three lanes: each file in a
    /// sandbox of its own, the two fail-point files taking turns (the passing one still
    /// passes), and afterwards no sandbox and no fail point left.
    func testAThreeJobRunLeavesNoSandboxBehind() throws {
        let paths = [EarlyBirdPack.phase07, EarlyBirdPack.incidents, EarlyBirdPack.passingFixtures, EarlyBirdPack.failingFixtures]
        let junit = folder.path + "/junit.xml"
        let before = try withClient { try $0.databaseNames() }.sorted()
        let run = try runBinary(["run"] + paths + ["--uri", try serverURI, "--jobs", "3", "--junit", junit])
        XCTAssertEqual(run.status, 1, run.transcript)
        JUnitCases.validate(junit)
        let suites = try JUnitReportFile.read(junit)
        XCTAssertEqual(suites.flatMap(\.cases).map(\.key), EarlyBirdPack.expectedTests(in: paths))

        var sandboxes: [String] = []
        for suite in suites {
            let failing = suite.package.contains(".failing.")
            for testCase in suite.cases {
                let wrong = failing ? testCase.outcome == "passed" : testCase.outcome == "failure" || testCase.outcome == "error"
                if wrong { XCTFail("\(testCase.key): \(testCase.outcome) \(testCase.message ?? "")") }
            }
            let named = suite.systemOut.matches(of: #/sandbox database: (pf_[0-9a-f]{6}_[0-9]+)/#).map { String($0.output.1) }
            XCTAssertEqual(named.count, 1, "\(suite.package): \(suite.systemOut)")
            sandboxes += named
        }
        XCTAssertEqual(sandboxes.count, suites.count)
        XCTAssertEqual(Set(sandboxes).count, sandboxes.count, "two files shared a sandbox: \(sandboxes)")
        XCTAssertEqual(Set(sandboxes.map { $0.split(separator: "_")[1] }).count, 1, "one run id: \(sandboxes)")

        XCTAssertEqual(try runDatabasesOnServer(), [], "sandboxes left behind")
        XCTAssertEqual(try withClient { try $0.databaseNames() }.sorted(), before)
        try assertNoFailPointLeftOn()
    }

    // MARK: - --shard

    /// N = 1, 2, 3 and 7 (more shards than the pack's six files): every file runs in exactly
    /// one shard, every shard exits 0 with a valid report (an empty one too), the parts
    /// differ by at most one file, and the split depends on the paths only.
    /// Every split is read with `--list` (what a shard would run, without running it); the
    /// 3-way split and the empty shard of the 7-way one are also run: the files a shard runs
    /// are the files it lists.
    func testShardsSplitTheFilesWithoutGapOrOverlap() throws {
        let paths = [EarlyBirdPack.phase07, EarlyBirdPack.incidents]
        let whole = try runSuites(paths, extra: [], name: "whole")
        XCTAssertEqual(whole.count, Self.packFiles, "\(whole)")
        XCTAssertEqual(Set(whole).count, whole.count)
        XCTAssertEqual(try listedFiles(paths, extra: []), whole, "--list names the files a run runs, in its order")

        var splits: [Int: [[String]]] = [:]
        for count in [1, 2, 3, 7] {
            var parts: [[String]] = []
            for index in 1...count {
                let part = try listedFiles(paths, extra: ["--shard", "\(index)/\(count)"])
                // A shard runs its files in the order the command line gave them.
                XCTAssertEqual(part, whole.filter(part.contains), "shard \(index)/\(count)")
                // The 3-way split run, and a shard left empty: it exits 0 with an empty report.
                if count == 3 || (count == 7 && part.isEmpty) {
                    let ran = try runSuites(paths, extra: ["--shard", "\(index)/\(count)"], name: "shard-\(index)-\(count)")
                    XCTAssertEqual(ran, part, "shard \(index)/\(count) runs the files it lists")
                }
                parts.append(part)
            }
            let all = parts.flatMap { $0 }
            XCTAssertEqual(all.count, Set(all).count, "N = \(count): a file ran in two shards: \(parts)")
            XCTAssertEqual(Set(all), Set(whole), "N = \(count): shards \(parts) do not cover \(whole)")
            let sizes = parts.map(\.count)
            XCTAssertLessThanOrEqual((sizes.max() ?? 0) - (sizes.min() ?? 0), 1, "N = \(count): uneven parts \(sizes)")
            if count > whole.count {
                XCTAssertTrue(parts.contains { $0.isEmpty }, "N = \(count) > \(whole.count) files leaves a shard empty: \(parts)")
            }
            splits[count] = parts
        }

        // The same command again, and the folders named the other way round: the same split.
        for index in 1...3 {
            let again = try listedFiles(paths, extra: ["--shard", "\(index)/3"])
            XCTAssertEqual(again, splits[3]?[index - 1], "shard \(index)/3 listed twice")
            let reversed = try listedFiles(paths.reversed(), extra: ["--shard", "\(index)/3"])
            XCTAssertEqual(Set(reversed), Set(splits[3]?[index - 1] ?? []), "shard \(index)/3 with the folders in the other order")
        }
        XCTAssertEqual(try runDatabasesOnServer(), [])
    }

    func testInvalidShardValuesAreUsageErrors() throws {
        for value in ["0/2", "3/2", "a/b", "2"] {
            let junit = folder.path + "/invalid.xml"
            let run = try runBinary([
                "run", EarlyBirdPack.phase07, "--uri", Self.unreachable, "--shard", value, "--junit", junit,
            ])
            XCTAssertEqual(run.status, 64, "--shard \(value): \(run.transcript)")
            XCTAssertTrue(run.standardError.contains("--shard"), run.transcript)
            XCTAssertTrue(run.standardError.contains(value), "the message names the value: \(run.transcript)")
            XCTAssertTrue(run.standardError.contains("K/N"), "the message says what is expected: \(run.transcript)")
            XCTAssertFalse(run.standardOutput.contains("✓"), run.transcript)
        }
    }

    // MARK: - Helpers

    /// Runs `paths` with `extra` options; holds the run to exit 0 and a valid report, and
    /// returns its suites' classnames in report order.
    private func runSuites(_ paths: [String], extra: [String], name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let junit = folder.path + "/\(name).xml"
        let run = try runBinary(["run"] + paths + extra + ["--uri", try serverURI, "--junit", junit], file: file, line: line)
        XCTAssertEqual(run.status, 0, "\(name): \(run.transcript)", file: file, line: line)
        JUnitCases.validate(junit, file: file, line: line)
        let suites = try JUnitReportFile.read(junit)
        for suite in suites {
            XCTAssertEqual([suite.failures, suite.errors], [0, 0], "\(name): \(suite.package)", file: file, line: line)
            XCTAssertGreaterThan(suite.tests, 0, "\(name): \(suite.package)", file: file, line: line)
        }
        if let shard = extra.firstIndex(of: "--shard").map({ extra[$0 + 1] }) {
            XCTAssertTrue(
                run.standardError.contains("Shard \(shard): \(suites.count) of \(Self.packFiles) scenario files."), "\(name): \(run.transcript)",
                file: file, line: line)
            if suites.isEmpty {
                XCTAssertTrue(run.standardOutput.contains("Shard \(shard) has no tests to run"), run.transcript, file: file, line: line)
            }
        }
        return suites.map(\.package)
    }

    /// The files `run PATHS EXTRA --list` names, in its order, each once, as the JUnit
    /// report's suite package names them (`a/b.json` is `a.b`); with `--shard`, held to the
    /// shard's line on standard error. Nothing connects or runs.
    private func listedFiles(_ paths: [String], extra: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let run = try runBinary(["run"] + paths + extra + ["--list", "--uri", Self.unreachable], file: file, line: line)
        XCTAssertEqual(run.status, 0, run.transcript, file: file, line: line)
        var files: [String] = []
        for entry in run.standardOutput.split(separator: "\n") {
            guard let end = entry.range(of: "::") else { continue }
            var name = String(entry[..<end.lowerBound])
            if name.hasSuffix(".json") { name.removeLast(5) }
            name = name.replacingOccurrences(of: "/", with: ".")
            if files.last != name { files.append(name) }
        }
        if let shard = extra.firstIndex(of: "--shard").map({ extra[$0 + 1] }) {
            XCTAssertTrue(
                run.standardError.contains("Shard \(shard): \(files.count) of \(Self.packFiles) scenario files."), run.transcript,
                file: file, line: line)
        }
        return files
    }

    private func firstDifference(_ lhs: String, _ rhs: String) -> String {
        let left = lhs.components(separatedBy: "\n")
        let right = rhs.components(separatedBy: "\n")
        for index in 0..<max(left.count, right.count) where (index < left.count ? left[index] : nil) != (index < right.count ? right[index] : nil) {
            return "line \(index + 1):\n- \(index < left.count ? left[index] : "(none)")\n+ \(index < right.count ? right[index] : "(none)")"
        }
        return "(none)"
    }
}
