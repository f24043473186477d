import Foundation
import XCTest

/// `preflight scratch` as a user runs it: a process that prints a URI and keeps a server up,
/// and leaves nothing behind after Ctrl-C or `kill -9`.
final class ScratchCommandTests: XCTestCase {
    func testSigintStopsTheServerRemovesItsDirectoryAndExitsZero() throws {
        let run = try ScratchCommandRun()
        let (uri, directory) = try run.waitUntilReady()
        XCTAssertTrue(uri.hasPrefix("mongodb://127.0.0.1:"), uri)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory))

        kill(run.process.processIdentifier, SIGINT)
        assertStoppedCleanly(run, directory: directory)
    }

    /// A background job of a shell script starts with SIGINT ignored; `kill -INT` must still stop it.
    func testSigintStopsItEvenWhenItStartedWithSigintIgnored() throws {
        let run = try ScratchCommandRun(ignoringSigint: true)
        let (_, directory) = try run.waitUntilReady()
        kill(run.process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(15)
        while run.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(run.process.isRunning, "SIGINT was lost")
        assertStoppedCleanly(run, directory: directory)
    }

    func testSigtermAlsoStopsItCleanly() throws {
        let run = try ScratchCommandRun()
        let (_, directory) = try run.waitUntilReady()
        run.process.terminate()
        assertStoppedCleanly(run, directory: directory)
    }

    func testKillNineOfPreflightStillStopsTheServerAndRemovesItsDirectory() throws {
        let run = try ScratchCommandRun()
        let (_, directory) = try run.waitUntilReady()
        XCTAssertFalse(ProcessTable.pids(mentioning: directory).isEmpty)

        kill(run.process.processIdentifier, SIGKILL)
        run.process.waitUntilExit()
        // The parent-death signal reaches the supervisor, which kills the server and cleans up.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline
            && (FileManager.default.fileExists(atPath: directory) || !ProcessTable.pids(mentioning: directory).isEmpty)
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
        XCTAssertEqual(ProcessTable.pids(mentioning: directory), [])
    }

    func testNoServerExitsThreeWithAMessage() throws {
        let run = try ScratchCommandRun(arguments: ["--scratch", "/nonexistent/mongod"])
        run.process.waitUntilExit()
        XCTAssertEqual(run.process.terminationStatus, 3)
        XCTAssertTrue(run.standardError.contains("No scratch server could be found"), run.standardError)
        XCTAssertEqual(run.standardOutput, "")
    }

    func testAnUnknownOptionIsAUsageErrorSixtyFour() throws {
        let run = try ScratchCommandRun(arguments: ["--no-such-option"])
        run.process.waitUntilExit()
        XCTAssertEqual(run.process.terminationStatus, 64)
    }
}

/// The run ended with exit 0 and left neither a server process nor its directory.
func assertStoppedCleanly(_ run: ScratchCommandRun, directory: String, line: UInt = #line) {
    run.process.waitUntilExit()
    XCTAssertEqual(run.process.terminationStatus, 0, run.standardError, line: line)
    XCTAssertFalse(FileManager.default.fileExists(atPath: directory), line: line)
    XCTAssertEqual(ProcessTable.pids(mentioning: directory), [], line: line)
}

/// The built `preflight scratch`, with its output going to files the test can read while it runs.
final class ScratchCommandRun {
    let process = Process()
    private let output: TemporaryDirectory

    /// - Parameter ignoringSigint: start it as a shell script's background job would be,
    ///   with SIGINT ignored (`exec` keeps the process id, so signals reach Preflight itself).
    init(arguments: [String] = [], ignoringSigint: Bool = false) throws {
        output = try TemporaryDirectory()
        let executable = try Self.preflightExecutable()
        if ignoringSigint {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' INT; exec \"$0\" scratch \"$@\"", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["scratch"] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: ScratchServerTestCase.packageRoot)
        guard FileManager.default.createFile(atPath: output.path + "/out", contents: nil),
            FileManager.default.createFile(atPath: output.path + "/err", contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        process.standardOutput = FileHandle(forWritingAtPath: output.path + "/out")
        process.standardError = FileHandle(forWritingAtPath: output.path + "/err")
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    var standardOutput: String { (try? String(contentsOfFile: output.path + "/out", encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: output.path + "/err", encoding: .utf8)) ?? "" }

    /// Waits for the URI on the first line of standard output; returns it and the data directory.
    func waitUntilReady(timeout: TimeInterval = 30) throws -> (uri: String, directory: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning && !standardOutput.contains("\n") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let uri = try XCTUnwrap(standardOutput.split(separator: "\n").first.map(String.init), standardError)
        let line = try XCTUnwrap(standardError.split(separator: "\n").first { $0.hasPrefix("Data directory: ") })
        let directory = String(line.dropFirst("Data directory: ".count).prefix { $0 != " " })
        return (uri, directory)
    }

    /// The `preflight` executable that `swift test` built beside the test bundle.
    static func preflightExecutable() throws -> String {
        let bundleDirectory = Bundle.main.bundleURL.path
        let candidates = [
            bundleDirectory + "/preflight",
            URL(fileURLWithPath: bundleDirectory).deletingLastPathComponent().path + "/preflight",
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/preflight",
        ]
        return try XCTUnwrap(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "preflight was not built beside the tests; looked in \(candidates)")
    }
}
