import Foundation
import XCTest

/// Preflight started by name from PATH, from a folder that is not the checkout, finds its
/// scratch server beside the installed binary (`make install`'s layout: PREFIX/bin and
/// PREFIX/lib/preflight/.venv), through the real executable's path, not argv[0].
final class InstalledBinaryTests: XCTestCase {
    func testABinaryStartedFromPATHFindsTheScratchServerInstalledBesideIt() throws {
        let prefix = try TemporaryDirectory(), elsewhere = try TemporaryDirectory()
        let manager = FileManager.default
        try manager.createDirectory(atPath: prefix.path + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: prefix.path + "/lib/preflight", withIntermediateDirectories: true)
        try manager.copyItem(atPath: try ScratchCommandRun.preflightExecutable(), toPath: prefix.path + "/bin/preflight")
        try manager.createSymbolicLink(atPath: prefix.path + "/lib/preflight/.venv", withDestinationPath: ScratchServerTestCase.packageRoot + "/.venv")
        try Data(#"{"preflight": 1, "name": "s", "fixtures": {"c": [{"_id": 1}]}, "tests": [{"name": "t", "steps": [{"count": "c", "expect": 1}]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: elsewhere.path + "/s.json"))

        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = prefix.path + "/bin:/usr/bin:/bin"
        environment["PREFLIGHT_SECANTUSD"] = nil
        environment["NO_COLOR"] = "1"
        let (status, text) = try CombinedOutput.run("/bin/sh", ["-c", "preflight run s.json --junit junit.xml"], in: elsewhere.path, environment: environment)
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("1 passed, 0 failed, 0 skipped"), text)
    }
}
