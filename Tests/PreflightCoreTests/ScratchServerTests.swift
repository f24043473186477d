import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// The scratch server's life: ready, then gone without a trace however Preflight ends.
final class ScratchServerTests: XCTestCase {
    private var root: String { ScratchServerTestCase.packageRoot }

    func testAStartedServerAnswersAndStopLeavesNoProcessAndNoDirectory() throws {
        let server = try ScratchServer.start(.secantus, searchRoots: [root])
        XCTAssertTrue(server.uri.hasPrefix("mongodb://127.0.0.1:"))
        XCTAssertGreaterThan(server.port, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: server.directory))
        XCTAssertFalse(ProcessTable.pids(mentioning: server.directory).isEmpty)

        let pool = try ConnectionPool(uri: server.uri)
        let reply = try pool.withClient { try $0.runCommand(["ping": 1], on: "admin") }
        pool.close()
        XCTAssertNotNil(reply["ok"])

        server.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: server.directory))
        XCTAssertEqual(ProcessTable.pids(mentioning: server.directory), [])
        server.stop()  // idempotent
    }

    /// SecantusDB imports numpy: its OpenBLAS gets one thread, not one per core, unless
    /// the user chose a number; the rest of the environment is the one `start` was given.
    func testSecantusRunsWithOneOpenBLASThreadUnlessTheUserSetsIt() throws {
        func serverEnvironment(_ extra: [String: String]) throws -> [String] {
            var given = ProcessInfo.processInfo.environment
            for name in ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"] { given[name] = nil }
            given.merge(extra) { $1 }
            let server = try ScratchServer.start(.secantus, environment: given, searchRoots: [root])
            defer { server.stop() }
            let pid = try XCTUnwrap(
                ProcessTable.pids(mentioning: server.directory).first { ProcessTable.status(of: $0)["Name"] != "sh" },
                "no server process")
            let data = try XCTUnwrap(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
            return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        let environment = try serverEnvironment(["PREFLIGHT_TEST_MARK": "passed on"])
        XCTAssertTrue(environment.contains("OPENBLAS_NUM_THREADS=1"), "\(environment)")
        XCTAssertTrue(environment.contains("PREFLIGHT_TEST_MARK=passed on"), "the environment start was given is passed on")

        let chosen = try serverEnvironment(["OPENBLAS_NUM_THREADS": "3"])
        XCTAssertTrue(chosen.contains("OPENBLAS_NUM_THREADS=3"), "\(chosen)")
        XCTAssertFalse(chosen.contains("OPENBLAS_NUM_THREADS=1"))
        let throughOpenMP = try serverEnvironment(["OMP_NUM_THREADS": "2"])
        XCTAssertFalse(throughOpenMP.contains { $0.hasPrefix("OPENBLAS_NUM_THREADS=") }, "\(throughOpenMP)")
    }

    /// The worst case for signal inheritance: Preflight ignoring TERM and HUP (as it does
    /// while its own handlers take over) and the start called from a Dispatch thread, which
    /// blocks them. The supervisor must still be able to receive both, or neither `stop()`
    /// nor the parent-death signal could reach it.
    func testTheSupervisorCanBeSignalledWhateverPreflightIgnoresOrBlocks() throws {
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        defer {
            signal(SIGTERM, SIG_DFL)
            signal(SIGHUP, SIG_DFL)
        }
        let root = self.root
        let server = try DispatchQueue.global().sync { try ScratchServer.start(.secantus, searchRoots: [root]) }
        defer { server.stop() }
        let supervisor = try XCTUnwrap(
            ProcessTable.pids(mentioning: "preflight-scratch " + server.directory).first { pid in
                ProcessTable.status(of: pid)["Name"] == "sh"
            })
        let status = ProcessTable.status(of: supervisor)
        let termAndHup: UInt64 = 1 << (UInt64(SIGTERM) - 1) | 1 << (UInt64(SIGHUP) - 1)
        let ignored = try XCTUnwrap(UInt64(status["SigIgn"] ?? "", radix: 16))
        let blocked = try XCTUnwrap(UInt64(status["SigBlk"] ?? "", radix: 16))
        XCTAssertEqual(ignored & termAndHup, 0, "the supervisor ignores TERM or HUP")
        XCTAssertEqual(blocked & termAndHup, 0, "the supervisor blocks TERM or HUP")
        let caught = try XCTUnwrap(UInt64(status["SigCgt"] ?? "", radix: 16))
        XCTAssertEqual(caught & termAndHup, termAndHup, "the supervisor's trap is in place")
    }

    func testAServerThatExitsIsReportedWithStatusCommandAndLog() throws {
        let fake = try FakeServer(script: """
            echo "starting fake server"
            echo "fatal: cannot open storage" >&2
            exit 7
            """)
        XCTAssertThrowsError(try ScratchServer.start(.path(fake.path), readinessTimeout: 10)) { error in
            guard case .exited(let commandLine, let status, _, let logTail)? = error as? ScratchError else {
                return XCTFail("expected .exited, got \(error)")
            }
            XCTAssertEqual(status, 7)
            XCTAssertTrue(commandLine.hasPrefix(fake.path), commandLine)
            XCTAssertEqual(logTail, ["starting fake server", "fatal: cannot open storage"])
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("exited with status 7"), message)
            XCTAssertTrue(message.contains("fatal: cannot open storage"), message)
        }
        XCTAssertEqual(ProcessTable.pids(mentioning: fake.path), [])
    }

    func testALateServerIsStoppedAndReportedWithItsLastFortyLines() throws {
        let fake = try FakeServer(script: """
            i=0; while [ $i -lt 50 ]; do echo "log line $i"; i=$((i+1)); done
            exec sleep 60
            """)
        let started = Date()
        let directoriesBefore = ScratchTemporaryDirectories.current()
        XCTAssertThrowsError(try ScratchServer.start(.path(fake.path), readinessTimeout: 1)) { error in
            guard case .timedOut(_, let waitingFor, let elapsed, let logTail)? = error as? ScratchError else {
                return XCTFail("expected .timedOut, got \(error)")
            }
            XCTAssertTrue(waitingFor.contains("listening on"), waitingFor)
            XCTAssertGreaterThanOrEqual(elapsed, 1)
            XCTAssertEqual(logTail.count, 40)
            XCTAssertEqual(logTail.first, "log line 10")
            XCTAssertEqual(logTail.last, "log line 49")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "the late server is not waited for")
        XCTAssertEqual(ProcessTable.pids(mentioning: fake.path), [], "the late server was stopped")
        XCTAssertEqual(ScratchTemporaryDirectories.leftovers(since: directoriesBefore), [], "its directory was removed")
    }

    func testNoServerAnywhereIsANotFoundErrorThatSaysWhatToDo() {
        XCTAssertThrowsError(
            try ScratchServer.start(.automatic, environment: ["PATH": "/nonexistent"], searchRoots: ["/nonexistent"])
        ) { error in
            guard case .notFound? = error as? ScratchError else { return XCTFail("expected .notFound, got \(error)") }
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("make setup"), message)
            XCTAssertTrue(message.contains("--uri"), message)
        }
    }

    func testMongodOnPathIsPreferredAndSecantusFoundInTheVenv() throws {
        let bin = try TemporaryDirectory()
        let mongod = bin.path + "/mongod"
        XCTAssertTrue(
            FileManager.default.createFile(atPath: mongod, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        XCTAssertEqual(
            try ScratchFlavor.locate(.automatic, environment: ["PATH": bin.path], searchRoots: [root]),
            .mongod(executable: mongod))
        XCTAssertEqual(
            try ScratchFlavor.locate(.automatic, environment: ["PATH": "/nonexistent"], searchRoots: [root]),
            .secantus(executable: root + "/.venv/bin/secantusd-py"))
        XCTAssertEqual(
            try ScratchFlavor.locate(.secantus, environment: ["PATH": bin.path, "PREFLIGHT_SECANTUSD": mongod], searchRoots: []),
            .secantus(executable: mongod), "PREFLIGHT_SECANTUSD names the server explicitly")
        XCTAssertEqual(try ScratchFlavor.locate(.path(mongod), environment: [:], searchRoots: []), .mongod(executable: mongod))
    }

    func testScratchChoiceReadsTheOption() {
        XCTAssertEqual(ScratchChoice(argument: "mongod"), .mongod)
        XCTAssertEqual(ScratchChoice(argument: "secantus"), .secantus)
        XCTAssertEqual(ScratchChoice(argument: "/opt/bin/mongod"), .path("/opt/bin/mongod"))
    }
}

/// A stand-in server binary, for the ways real servers fail.
struct FakeServer {
    let directory: TemporaryDirectory
    let path: String

    init(script: String) throws {
        directory = try TemporaryDirectory()
        path = directory.path + "/fake-server-" + ObjectID().hex
        let text = "#!/bin/sh\n" + script + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o755])
        else { throw CocoaError(.fileWriteUnknown) }
    }
}

/// A directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "preflight-test-" + ObjectID().hex
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Linux's process table, read from /proc.
enum ProcessTable {
    /// The `Key:\tvalue` lines of /proc/PID/status.
    static func status(of pid: Int32) -> [String: String] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    /// Processes whose command line contains `text`.
    static func pids(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            // A zombie has an empty command line, and a process being reaped may vanish: both are gone.
            return commandLine.contains(text) ? pid : nil
        }
    }
}

/// Scratch directories in the temporary directory, to check none is left behind.
enum ScratchTemporaryDirectories {
    static var base: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    static func current() -> Set<String> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return Set(entries.filter { $0.hasPrefix("preflight-scratch-") })
    }

    /// Scratch directories that appeared since `before` and are still there with no server
    /// process using them. Other sessions on this machine may start scratch servers at any
    /// time: theirs have a process, a leftover of ours has none.
    static func leftovers(since before: Set<String>) -> Set<String> {
        func orphans() -> Set<String> {
            current().subtracting(before).filter { name in
                let path = base + "/" + name
                return FileManager.default.fileExists(atPath: path) && ProcessTable.pids(mentioning: path).isEmpty
            }
        }
        let first = orphans()
        guard !first.isEmpty else { return [] }
        Thread.sleep(forTimeInterval: 1)
        return first.intersection(orphans())
    }
}
