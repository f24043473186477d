import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The built `preflight` binary run as CI runs it, output to files (a chatty run cannot
/// block on a full pipe), with a deadline so a hang fails the test instead of the suite.
final class PreflightProcess {
    let arguments: [String]
    private let process = Process()
    private let output: TemporaryDirectory

    /// Starts `preflight arguments…` in the package root, NO_COLOR set, with `unset`
    /// removed from the environment.
    init(_ arguments: [String], in directory: String = ScratchServerTestCase.packageRoot, unset: [String] = []) throws {
        self.arguments = arguments
        output = try TemporaryDirectory()
        guard FileManager.default.createFile(atPath: output.path + "/out", contents: nil),
            FileManager.default.createFile(atPath: output.path + "/err", contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        process.executableURL = URL(fileURLWithPath: try ScratchCommandRun.preflightExecutable())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        for name in unset { environment[name] = nil }
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: output.path + "/out")
        process.standardError = FileHandle(forWritingAtPath: output.path + "/err")
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }
    var standardOutput: String { (try? String(contentsOfFile: output.path + "/out", encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: output.path + "/err", encoding: .utf8)) ?? "" }
    var status: Int32 { process.terminationStatus }
    var transcript: String {
        "preflight \(arguments.joined(separator: " "))\nexit \(process.isRunning ? "(still running)" : String(status))\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
    }

    /// Sends SIGINT, as Ctrl-C does.
    func interrupt() { process.interrupt() }

    /// Sends SIGKILL, as `kill -9` does: nothing of Preflight runs afterwards.
    func kill9() { kill(process.processIdentifier, SIGKILL) }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the exit; false (after killing the process) when it did not come in time.
    @discardableResult
    func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard process.isRunning else {
            process.waitUntilExit()
            return true
        }
        process.interrupt()
        let grace = Date().addingTimeInterval(10)
        while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return false
    }

    /// Runs to the end; a run that outlives `timeout` fails the test.
    static func run(
        _ arguments: [String], in directory: String = ScratchServerTestCase.packageRoot, timeout: TimeInterval = 300,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> PreflightProcess {
        let run = try PreflightProcess(arguments, in: directory)
        if !run.waitForExit(timeout: timeout) {
            XCTFail("preflight did not exit within \(Int(timeout)) s (it hangs):\n\(run.transcript)", file: file, line: line)
        }
        return run
    }
}

/// A program other than `preflight` run to its end, its standard output and error read
/// as one text (a pipe read to its end, so a chatty program cannot block on it).
enum CombinedOutput {
    static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) }
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

/// Scenario files written for one test, in a folder removed with it.
final class ScenarioFolder {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Writes `text` as `name` (subfolders created); returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

extension ScratchServerTestCase {
    /// The class server's URI.
    var serverURI: String {
        get throws { try XCTUnwrap(Self.server, "no scratch server").uri }
    }

    /// The names of the collections in `database` on the class server.
    func collectionNames(in database: String) throws -> [String] {
        let reply = try withClient { try $0.runCommand(["listCollections": 1, "nameOnly": true], on: database) }
        let batch = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []
        return batch.compactMap { $0.documentValue?["name"]?.stringValue }.sorted()
    }

    /// The run sandboxes (`pf_<run id>_<n>`) on the class server.
    func sandboxesOnServer() throws -> [String] {
        try withClient { try $0.databaseNames() }.filter(SandboxDatabases.isSandbox)
    }

    /// Waits (up to `timeout`) until some sandbox holds a collection named `collection`;
    /// returns that sandbox.
    func waitForSandbox(holding collection: String, timeout: TimeInterval = 60) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for sandbox in try sandboxesOnServer() where try collectionNames(in: sandbox).contains(collection) {
                return sandbox
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }
}
