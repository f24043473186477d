import Foundation
import Mongo
import XCTest

@testable import PreflightCore

/// Sandboxes are never orphaned (issue 11): each is recorded with its owner in
/// `preflight_sandboxes` before it is created and its lease renewed while the run lives;
/// `preflight sandboxes --uri` lists them, `--prune` drops those whose run is gone — never
/// a live one, never a database Preflight did not create — and a run mentions the orphans
/// it sees. On a real server, through the binary where a user would meet it.
final class SandboxOwnershipTests: ScratchServerTestCase {
    override func tearDownWithError() throws {
        // Each test starts from a server holding no sandbox, record or stand-in of its own.
        try? withClient { client in
            for name in try client.databaseNames()
            where (name.hasPrefix("pf_") && !name.hasPrefix("pf_test_")) || name == "earlybird" || name == SandboxRegistry.database {
                try client.dropDatabase(name)
            }
        }
        try super.tearDownWithError()
    }

    // MARK: - Helpers

    /// A file whose one test sleeps for a minute: a run that is alive while the test looks.
    private static let slow = #"""
        {"preflight": 1, "name": "slow", "database": "shop",
         "fixtures": {"orders": [{"_id": 1}]},
         "tests": [{"name": "waits", "steps": [{"sleep": 60000}]}]}
        """#

    private static let quick = #"""
        {"preflight": 1, "name": "quick", "database": "shop",
         "fixtures": {"orders": [{"_id": 1}]},
         "tests": [{"name": "counts", "steps": [{"count": "orders", "expect": 1}]}]}
        """#

    /// Starts `preflight run --uri` on the slow file and waits for its sandbox.
    private func startSlowRun(file: StaticString = #filePath, line: UInt = #line) throws -> (PreflightProcess, String) {
        let path = try folder.write("slow.json", Self.slow)
        let process = try PreflightProcess(["run", path, "--uri", try serverURI, "--junit", folder.path + "/slow.xml"])
        let sandbox = try waitForSandbox(holding: "orders", timeout: 30)
        if sandbox == nil { stop(process) }
        return (process, try XCTUnwrap(sandbox, "the run never created its sandbox:\n\(process.transcript)", file: file, line: line))
    }

    private func stop(_ process: PreflightProcess) {
        if process.isRunning {
            process.kill9()
            process.waitForExit(timeout: 10)
        }
    }

    /// `preflight sandboxes --uri <class server> arguments…`.
    private func sandboxes(_ arguments: [String] = []) throws -> BinaryRun {
        try runBinary(["sandboxes", "--uri", try serverURI] + arguments, timeout: 60)
    }

    private func records() throws -> [String: BSONDocument] {
        let documents = try withClient { try $0.collection(SandboxRegistry.collection, in: SandboxRegistry.database).find() }
        return Dictionary(uniqueKeysWithValues: documents.compactMap { document in document["_id"]?.stringValue.map { ($0, document) } })
    }

    private func databases() throws -> Set<String> {
        Set(try withClient { try $0.databaseNames() })
    }

    /// The listing's line for `name`, whatever its prefix (`dropped`, `left`, none).
    private func line(for name: String, in run: BinaryRun) -> String? {
        run.lines.first { $0.split(separator: " ", omittingEmptySubsequences: true).contains { $0 == name } }
    }

    private func runID(of sandbox: String) -> String {
        String(sandbox.split(separator: "_")[1])
    }

    // MARK: - kill -9

    /// The reproduction: `kill -9` in the middle of a `--uri` run leaves its sandbox. Its
    /// record names the dead process; the next run mentions it in one line; `preflight
    /// sandboxes` lists it as without a living owner at once (no lease to wait out on the
    /// same machine); `--prune` drops it, its record, and the registry it emptied.
    func testAKilledRunsSandboxIsMentionedListedAndPruned() throws {
        let (process, sandbox) = try startSlowRun()
        defer { stop(process) }
        let record = try XCTUnwrap(try records()[sandbox], "the live sandbox \(sandbox) has no owner record")
        XCTAssertEqual(record["runId"]?.stringValue, runID(of: sandbox))
        XCTAssertEqual(record["pid"]?.integerValue, Int64(process.pid))
        XCTAssertEqual(record["host"]?.stringValue, ProcessIdentity.current.host)
        XCTAssertEqual(record["preflightVersion"]?.stringValue, PreflightVersion.current)
        let lease = try XCTUnwrap(SandboxOwner.date(record["leaseUntil"]))
        XCTAssertGreaterThan(lease, Date().addingTimeInterval(30), "the lease should run about 60 s ahead")

        process.kill9()
        XCTAssertTrue(process.waitForExit(timeout: 10))
        XCTAssertTrue(try databases().contains(sandbox), "kill -9 left no sandbox: the test would prove nothing")

        let quick = try folder.write("quick.json", Self.quick)
        let second = try runBinary(["run", quick, "--uri", try serverURI, "--junit", folder.path + "/quick.xml"], timeout: 60)
        XCTAssertEqual(second.status, 0, second.transcript)
        let notice = "1 sandbox on this server has no living owner: preflight sandboxes --uri '\(URIRedaction.redact(try serverURI))' --prune"
        XCTAssertEqual(second.standardError.split(separator: "\n").filter { $0.contains("living owner") }, [Substring(notice)], second.transcript)

        let listed = try sandboxes()
        XCTAssertEqual(listed.status, 0, listed.transcript)
        let entry = try XCTUnwrap(line(for: sandbox, in: listed), listed.transcript)
        XCTAssertTrue(
            entry.contains("no living owner: process \(process.pid) on \(ProcessIdentity.current.host) has exited (run \(runID(of: sandbox)), started "),
            entry)
        XCTAssertTrue(listed.lastLine.hasPrefix("1 pf_… database: 0 alive, 1 without a living owner, 0 of unknown owner."), listed.transcript)
        XCTAssertTrue(try databases().contains(sandbox), "listing dropped something")

        let pruned = try sandboxes(["--prune"])
        XCTAssertEqual(pruned.status, 0, pruned.transcript)
        XCTAssertTrue(line(for: sandbox, in: pruned)?.hasPrefix("dropped  \(sandbox)") ?? false, pruned.transcript)
        XCTAssertEqual(pruned.lastLine, "Dropped 1 sandbox; left 0.")
        let left = try databases()
        XCTAssertFalse(left.contains(sandbox), "--prune left the orphan \(sandbox)")
        XCTAssertFalse(left.contains(SandboxRegistry.database), "the registry was left behind empty: \(left.sorted())")

        let third = try runBinary(["run", quick, "--uri", try serverURI, "--junit", folder.path + "/quick.xml"], timeout: 60)
        XCTAssertFalse(third.standardError.contains("living owner"), third.transcript)
        XCTAssertEqual(try sandboxes().standardOutput, "No pf_… databases on \(URIRedaction.redact(try serverURI)).\n")
    }

    // MARK: - A live run keeps its sandbox

    /// While its run lives a sandbox is never pruned: `--prune` lists it as alive and
    /// leaves it (and its record) in place. Ctrl-C then drops it, its record and the
    /// registry. (That the lease is renewed meanwhile: the next test.)
    func testASandboxWhoseRunIsAliveIsNeverPruned() throws {
        let (process, sandbox) = try startSlowRun()
        defer { stop(process) }
        XCTAssertNotNil(SandboxOwner.date(try records()[sandbox]?["leaseUntil"]), "the record has no lease")

        let pruned = try sandboxes(["--prune"])
        XCTAssertEqual(pruned.status, 0, pruned.transcript)
        let entry = try XCTUnwrap(line(for: sandbox, in: pruned), pruned.transcript)
        XCTAssertTrue(entry.hasPrefix("left     \(sandbox)"), entry)
        XCTAssertTrue(entry.contains("alive: process \(process.pid) on \(ProcessIdentity.current.host) is running"), entry)
        XCTAssertTrue(try databases().contains(sandbox), "--prune dropped the sandbox of a live run")
        XCTAssertNotNil(try records()[sandbox], "--prune removed the record of a live run")
        XCTAssertTrue(process.isRunning, process.transcript)

        process.interrupt()
        XCTAssertTrue(process.waitForExit(timeout: 30), process.transcript)
        XCTAssertEqual(process.status, 130, process.transcript)
        let left = try databases()
        XCTAssertFalse(left.contains(sandbox), "Ctrl-C left the sandbox")
        XCTAssertFalse(left.contains(SandboxRegistry.database), "Ctrl-C left the registry: \((try? records()) ?? [:])")
    }

    /// The run's sandbox names renew their leases on their own thread, every interval
    /// (ten seconds in a run; a fifth of a second here), and stop at `finish`, which
    /// removes the registry the last record leaves empty.
    func testALivingRunRenewsItsLeases() throws {
        let names = SandboxNames(uri: try serverURI, renewalInterval: 0.2)
        // Once only: on a failed assertion below, the renewals still stop and the pool closes.
        defer { names.finish(kept: false) }
        let sandbox = try withClient { try names.claim(using: $0) }
        try withClient { try $0.collection("orders", in: sandbox).insertOne(["_id": 1]) }
        let first = try XCTUnwrap(SandboxOwner.date(try records()[sandbox]?["leaseUntil"]))
        var renewed = first
        let deadline = Date().addingTimeInterval(10)
        while renewed <= first && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            renewed = try XCTUnwrap(SandboxOwner.date(try records()[sandbox]?["leaseUntil"]), "the record went away")
        }
        XCTAssertGreaterThan(renewed, first, "the lease was not renewed within 10 s (every 0.2 s expected)")

        XCTAssertEqual(try withClient { names.dropAll(using: $0) }, [])
        names.finish(kept: false)
        XCTAssertFalse(try databases().contains(sandbox), "the sandbox was not dropped")
        XCTAssertFalse(try databases().contains(SandboxRegistry.database), "finish left an empty registry: \((try? records()) ?? [:])")
    }

    // MARK: - Only what Preflight made, only when its owner is gone

    /// Owners of every kind, written as the registry holds them: this very process (alive),
    /// a pid of this machine now held by another process (gone), another machine with a
    /// running lease (alive) and with an expired one (gone), a record this version cannot
    /// read and a `pf_` database with no record (unknown: never pruned), a record whose
    /// database is gone, and `earlybird`, which is not a sandbox at all.
    func testPruneDropsOnlySandboxesWhoseOwnerIsGone() throws {
        func owner(_ runID: String, _ change: (inout SandboxOwner) -> Void = { _ in }) -> SandboxOwner {
            var owner = SandboxOwner.current(runID: runID)
            change(&owner)
            return owner
        }
        let elsewhere = { (owner: inout SandboxOwner) in
            owner.process.host = "ci-runner-7"
            owner.process.bootID = "another-boot"
            owner.process.pid = 4242
        }
        let owners: [(String, SandboxOwner)] = [
            ("pf_0a0a0a_1", owner("0a0a0a")),
            ("pf_0b0b0b_1", owner("0b0b0b") { $0.process.startTicks = ($0.process.startTicks ?? 0) + 1 }),
            ("pf_0c0c0c_1", owner("0c0c0c", elsewhere)),
            ("pf_0d0d0d_1", owner("0d0d0d") { elsewhere(&$0); $0.leaseUntil = Date().addingTimeInterval(-120) }),
            ("pf_0f0f0f_2", owner("0f0f0f") { elsewhere(&$0); $0.leaseUntil = Date().addingTimeInterval(-120) }),
        ]
        XCTAssertNotNil(ProcessIdentity.current.startTicks, "/proc/self/stat unreadable: the same-machine checks cannot be tested")
        try withClient { client in
            let registry = SandboxRegistry(client: client)
            for (name, owner) in owners { try registry.register(name, owner) }
            try client.collection(SandboxRegistry.collection, in: SandboxRegistry.database)
                .insertOne(["_id": "pf_0e0e0e_1", "note": "written by hand"])
            for name in ["pf_0a0a0a_1", "pf_0b0b0b_1", "pf_0c0c0c_1", "pf_0d0d0d_1", "pf_0e0e0e_1", "pf_custom", "earlybird"] {
                try client.collection("orders", in: name).insertOne(["_id": 1, "owner": .string(name)])
            }
        }

        let listed = try sandboxes()
        XCTAssertEqual(listed.status, 0, listed.transcript)
        let expected: [(String, String)] = [
            ("pf_0a0a0a_1", "alive: process \(getpid()) on \(ProcessIdentity.current.host) is running"),
            ("pf_0b0b0b_1", "no living owner: process \(getpid()) on \(ProcessIdentity.current.host) has exited"),
            ("pf_0c0c0c_1", "alive: process 4242 on ci-runner-7, which cannot be seen from here, renewed its lease until "),
            ("pf_0d0d0d_1", "no living owner: its lease expired at "),
            ("pf_0e0e0e_1", "unknown owner: its record in preflight_sandboxes cannot be read by this Preflight version; never pruned"),
            ("pf_0f0f0f_2", "no living owner: its lease expired at "),
            ("pf_custom", "unknown owner: no record in preflight_sandboxes"),
        ]
        for (name, text) in expected {
            XCTAssertTrue(line(for: name, in: listed)?.contains(text) ?? false, "\(name) should read \(text):\n\(listed.transcript)")
        }
        XCTAssertTrue(line(for: "pf_0f0f0f_2", in: listed)?.hasSuffix("its database is gone, only the record is left") ?? false, listed.transcript)
        XCTAssertNil(line(for: "earlybird", in: listed), "a database not named pf_ was listed")
        XCTAssertTrue(listed.lastLine.hasPrefix("7 pf_… databases: 2 alive, 3 without a living owner, 2 of unknown owner."), listed.transcript)

        let before = try databases()
        let young = try sandboxes(["--prune", "--older-than", "1h"])
        XCTAssertEqual(young.status, 0, young.transcript)
        XCTAssertEqual(young.lastLine, "Dropped 0 sandboxes; left 7.", young.transcript)
        XCTAssertTrue(line(for: "pf_0d0d0d_1", in: young)?.hasSuffix("its run started less than --older-than ago") ?? false, young.transcript)
        XCTAssertEqual(try databases(), before)

        let pruned = try sandboxes(["--prune"])
        XCTAssertEqual(pruned.status, 0, pruned.transcript)
        XCTAssertEqual(
            pruned.lines.filter { $0.hasPrefix("dropped") }.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) },
            ["pf_0b0b0b_1", "pf_0d0d0d_1", "pf_0f0f0f_2"], pruned.transcript)
        let after = try databases()
        for name in ["pf_0a0a0a_1", "pf_0c0c0c_1", "pf_0e0e0e_1", "pf_custom", "earlybird"] {
            XCTAssertTrue(after.contains(name), "--prune dropped \(name)")
            let documents = try withClient { try $0.collection("orders", in: name).find() }
            XCTAssertEqual(documents, [["_id": 1, "owner": .string(name)]], "\(name) was changed")
        }
        XCTAssertFalse(after.contains("pf_0b0b0b_1"))
        XCTAssertFalse(after.contains("pf_0d0d0d_1"))
        XCTAssertEqual(try records().keys.sorted(), ["pf_0a0a0a_1", "pf_0c0c0c_1", "pf_0e0e0e_1"])

        let usage = try sandboxes(["--older-than", "1h"])
        XCTAssertEqual(usage.status, 64, usage.transcript)
        XCTAssertTrue(usage.standardError.contains("--older-than chooses which sandboxes --prune drops; give --prune too."), usage.transcript)
    }

    /// A prune that has judged a sandbox orphaned leaves it when its record changes before
    /// the drop: a run on another machine that renews its lease keeps its sandbox.
    func testARecordRenewedDuringThePruneIsLeftAlone() throws {
        var owner = SandboxOwner.current(runID: "0d0d0d")
        owner.process.host = "ci-runner-7"
        owner.process.bootID = "another-boot"
        owner.leaseUntil = Date().addingTimeInterval(-120)
        try withClient { client in
            try SandboxRegistry(client: client).register("pf_0d0d0d_1", owner)
            try client.collection("orders", in: "pf_0d0d0d_1").insertOne(["_id": 1])
        }
        let inventory = try withClient { try SandboxInventory.survey($0) }
        XCTAssertEqual(inventory.orphaned.map(\.name), ["pf_0d0d0d_1"])
        // The run comes back and renews, after the survey and before the prune.
        try withClient { try SandboxRegistry(client: $0).renew(["pf_0d0d0d_1"], owner.renewed()) }
        let pruned = try withClient { inventory.prune($0) }
        XCTAssertEqual(pruned.dropped.map(\.name), [])
        XCTAssertEqual(pruned.spared.map(\.why), ["its record changed while the prune looked at it (its run renewed its lease)"])
        XCTAssertTrue(try databases().contains("pf_0d0d0d_1"))
    }

    // MARK: - The run's own bookkeeping

    /// A run that drops its sandboxes leaves no record and no registry; one that keeps them
    /// (`--keep-databases`) marks them as ended, and they are pruned like any orphan; a
    /// name that exists already is refused and leaves no record of this run.
    func testARunRecordsReleasesAndEndsItsSandboxes() throws {
        let path = try folder.write("quick.json", Self.quick)
        let catalog = ScenarioCatalog.load([path], loader: ScenarioLoader())
        XCTAssertEqual(catalog.errors.map(\.description), [])

        let plain = try ScenarioRun(uri: try serverURI, options: RunOptions())
        let suites = plain.run(TestSelection().select(catalog.scenarios), observer: nil)
        plain.close()
        XCTAssertEqual(suites.first?.passed, 1)
        XCTAssertFalse(try databases().contains(SandboxRegistry.database), "a run that dropped its sandboxes left the registry")

        var keep = RunOptions()
        keep.keepDatabases = true
        let keeping = try ScenarioRun(uri: try serverURI, options: keep)
        _ = keeping.run(TestSelection().select(catalog.scenarios), observer: nil)
        keeping.close()
        let kept = "pf_\(keeping.runID)_1"
        XCTAssertTrue(try databases().contains(kept))
        let record = try XCTUnwrap(try records()[kept])
        XCTAssertNotNil(SandboxOwner.date(record["endedAt"]), "\(record)")
        XCTAssertEqual(record["kept"], true)
        let inventory = try withClient { try SandboxInventory.survey($0) }
        let entry = try XCTUnwrap(inventory.entries.first { $0.name == kept })
        XCTAssertEqual(entry.state, .orphaned)
        XCTAssertTrue(entry.reason.hasSuffix("and kept it (--keep-databases)"), entry.reason)
        XCTAssertEqual(
            inventory.orphanNotice(redactedURI: "URI"),
            "1 sandbox on this server has no living owner (1 kept with --keep-databases): preflight sandboxes --uri 'URI' --prune")
        XCTAssertEqual(try withClient { inventory.prune($0) }.dropped.map(\.name), [kept])
        XCTAssertFalse(try databases().contains(kept))

        let refusing = try ScenarioRun(uri: try serverURI, options: RunOptions())
        let taken = "pf_\(refusing.runID)_1"
        try withClient { _ = try $0.collection("orders", in: taken).insertOne(["_id": "someone else's"]) }
        let refused = refusing.run(TestSelection().select(catalog.scenarios), observer: nil)
        XCTAssertNil(try records()[taken], "the refused name kept this run's record")
        refusing.close()
        guard case .errored(let problem)? = refused.first?.tests.first?.outcome else {
            return XCTFail("the scenario should be errored: \(refused)")
        }
        XCTAssertTrue(problem.message.contains("\"\(taken)\" already exists"), problem.message)
        XCTAssertEqual(try withClient { try $0.collection("orders", in: taken).find() }, [["_id": "someone else's"]])
        XCTAssertFalse(try databases().contains(SandboxRegistry.database))
    }
}
