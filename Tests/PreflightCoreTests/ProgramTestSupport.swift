import Foundation
import XCTest

@testable import PreflightCore

/// Running a scenario in-process against the class's scratch server, and watching the
/// processes a scenario starts.
extension ScratchServerTestCase {
    func runFile(_ path: String, options: RunOptions = RunOptions()) throws -> SuiteResult {
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])
        let run = try ScenarioRun(uri: try XCTUnwrap(Self.server, "no scratch server").uri, options: options)
        defer { run.close() }
        return try XCTUnwrap(run.run(TestSelection().select(catalog.scenarios), observer: nil).first)
    }

    /// The problem of a test that did not pass, or a failure of the calling test.
    func problem(_ result: TestResult, file: StaticString = #filePath, line: UInt = #line) -> TestProblem? {
        switch result.outcome {
        case .failed(let problem), .errored(let problem): return problem
        default:
            XCTFail("\(result.name) should not have passed: \(result.outcome)", file: file, line: line)
            return nil
        }
    }

    func assertPassed(_ result: TestResult, file: StaticString = #filePath, line: UInt = #line) {
        guard case .passed = result.outcome else {
            return XCTFail("\(result.name): \(result.outcome)", file: file, line: line)
        }
    }
}

/// Process ids written by the programs a test starts, and whether they are still alive.
enum ProgramProcesses {
    /// The pids in `file`, one per line; empty until the program wrote them.
    static func pids(in file: String) -> [Int32] {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Alive and not a zombie waiting for its parent.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return !status.contains("State:\tZ")
    }

    /// Waits until none of `pids` is alive, or `timeout`; the ones still alive.
    static func survivors(_ pids: [Int32], within timeout: TimeInterval) -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !pids.contains(where: isAlive) { return [] }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return pids.filter(isAlive)
    }

    static func waitForPids(in file: String, count: Int, timeout: TimeInterval) -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found = pids(in: file)
            if found.count >= count { return found }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return pids(in: file)
    }
}
