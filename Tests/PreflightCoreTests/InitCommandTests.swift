import Foundation
import XCTest

@testable import PreflightCore

/// `preflight init`: the starter pack passes `check`, runs on a scratch server, verifies
/// its migration, lists its tests, and is never written over a file that exists.
final class InitCommandTests: ScratchServerTestCase {
    func testTheStarterPackChecksRunsAndIsNeverWrittenTwice() throws {
        let pack = folder.path + "/pack"
        let initial = try PreflightProcess.run(["init", pack])
        XCTAssertEqual(initial.status, 0, initial.transcript)
        for file in ["README.md", "lib/jobs.json", "sandbox/claims.json", "monitoring/jobs-live.json", "compat/jobs.json",
                     "migrations/0001-add-priority.json", "checklists/release.json", "snapshot/jobs.ndjson", "schema/scenario.schema.json",
                     "schema/checklist.schema.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: pack + "/" + file), "\(file) was not written")
        }
        let check = try PreflightProcess.run(["check", pack])
        XCTAssertEqual(check.status, 0, check.transcript)
        XCTAssertTrue(check.standardOutput.contains("checklists/release.json: checklist, and every file it names"), check.transcript)

        // On a scratch server of its own, where the live file is reported skipped.
        let run = try PreflightProcess.run(["run", pack, "--junit", folder.path + "/j.xml"])
        XCTAssertEqual(run.status, 0, run.transcript)
        XCTAssertTrue(run.standardOutput.contains("2 passed, 0 failed, 1 skipped"), run.transcript)
        let migration = try PreflightProcess.run([
            "migrate", "verify", pack + "/migrations/0001-add-priority.json", "--uri", try XCTUnwrap(Self.server).uri, "--junit", folder.path + "/m.xml",
        ])
        XCTAssertEqual(migration.status, 0, migration.transcript)
        // The gate runs as the pack's README says, on its snapshot, without a server given.
        let gate = try PreflightProcess.run(["gate", pack + "/checklists/release.json", "--junit", folder.path + "/g.xml"])
        XCTAssertEqual(gate.status, 0, gate.transcript)
        XCTAssertTrue(gate.standardOutput.contains("· scratch server loaded with the snapshot: jobs 5 documents"), gate.transcript)
        XCTAssertTrue(gate.standardOutput.contains("\nGO — Release checklist: 12 passed, 0 failed, 0 unknown"), gate.transcript)
        // Nothing blocks, warns or is fixed: the verdict is said once, under a blank line;
        // with --quiet, whose items are the blocking ones, it is the first line.
        let verdicts = gate.standardOutput.components(separatedBy: "\n").filter { $0.hasPrefix("GO — ") }
        XCTAssertEqual(verdicts.count, 1, gate.transcript)
        let quiet = try PreflightProcess.run(["gate", pack + "/checklists/release.json", "--quiet", "--junit", folder.path + "/g.xml"])
        XCTAssertEqual(quiet.status, 0, quiet.transcript)
        XCTAssertTrue(quiet.standardOutput.hasPrefix("GO — Release checklist: "), quiet.transcript)
        let schema = try PreflightProcess.run(["run", "--list", pack + "/sandbox"])
        XCTAssertTrue(schema.standardOutput.contains("claims.json::two workers racing claim every job exactly once  [jobs]"), schema.transcript)

        let again = try PreflightProcess.run(["init", pack])
        XCTAssertEqual(again.status, 64, again.transcript)
        XCTAssertTrue(again.standardError.contains("preflight init never overwrites a file, so nothing was written"), again.transcript)
    }
}
