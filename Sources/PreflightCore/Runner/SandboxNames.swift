import Foundation
import Mongo

/// Names and guards the run's sandbox databases, `pf_<run-id>_<n>`: short, unique per
/// scenario run, and never one that already exists — on a shared server that database
/// belongs to someone else. Each is recorded with its owner in the registry
/// (`SandboxRegistry`) before it is created, its lease renewed while the run lives, and
/// its record removed when it is dropped, so one left by a killed run can be pruned.
final class SandboxNames: @unchecked Sendable {
    // @unchecked: `next`, `created`, `lease`, `registered` and `finished` are guarded by
    // `lock`; registry writes for the run's records by `recordLock`.
    let runID: String
    private let uri: String
    private let owner: SandboxOwner
    private let lock = NSLock()
    /// Serialises renewals with releases, so a renewal can never write back a record a
    /// drop has just removed.
    private let recordLock = NSLock()
    private var next = 1
    private var created: [String] = []
    private var lease: SandboxLease?
    private var registered = false
    private var finished = false
    private let renewalInterval: TimeInterval

    /// - Parameter renewalInterval: how often the leases are renewed; shorter only in tests,
    ///   which would otherwise wait ten seconds to see one renewal.
    init(uri: String, runID: String = SandboxNames.makeRunID(), renewalInterval: TimeInterval = SandboxRegistry.renewalInterval) {
        self.uri = uri
        self.runID = runID
        self.renewalInterval = renewalInterval
        owner = SandboxOwner.current(runID: runID)
    }

    /// Six hex digits: enough that two runs on one server do not meet, short enough to read.
    static func makeRunID() -> String {
        let digits = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Claims the next name: records its owner, then refuses it if the database exists
    /// already on the server.
    func claim(using client: MongoClient) throws -> String {
        let name = lock.withLock { () -> String in
            defer { next += 1 }
            return "pf_\(runID)_\(next)"
        }
        let lease = try openLease(for: name)
        do {
            try lease.withRegistry { try $0.register(name, owner.renewed()) }
        } catch let error as MongoError where error.code == 11000 {
            throw RunFailure.errored(TestProblem(
                type: "sandbox",
                message: "the sandbox name \"\(name)\" is already recorded in \(SandboxRegistry.database) by another run; Preflight never writes to a database it did not create, so this scenario was not run"))
        } catch {
            throw RunFailure.errored(TestProblem(
                type: "sandbox",
                message: "the owner of the sandbox \(name) could not be recorded in \(SandboxRegistry.database) (\((error as? MongoError)?.message ?? "\(error)")); a sandbox is recorded before it is created, so that one a killed run leaves can be pruned, and so this scenario was not run"))
        }
        lock.withLock { registered = true }
        let exists: Bool
        do {
            exists = try client.databaseNames().contains(name)
        } catch {
            try? lease.withRegistry { try $0.release(name, runID: runID) }
            throw error
        }
        if exists {
            try? lease.withRegistry { try $0.release(name, runID: runID) }
            throw RunFailure.errored(TestProblem(
                type: "sandbox",
                message: "the sandbox database \"\(name)\" already exists on this server; Preflight never writes to a database it did not create, so this scenario was not run"))
        }
        lock.withLock { created.append(name) }
        return name
    }

    /// The lease, opened and its renewals started on the first claim; refused after `finish`.
    private func openLease(for name: String) throws -> SandboxLease {
        let lease = try lock.withLock { () throws -> SandboxLease in
            guard !finished else {
                throw RunFailure.errored(TestProblem(type: "sandbox", message: "the run is ending; the sandbox \(name) was not created"))
            }
            if let lease = self.lease { return lease }
            let lease = try SandboxLease(uri: uri, appName: "preflight-\(runID)-lease")
            self.lease = lease
            return lease
        }
        // Weakly: the lease's thread must not keep the run's names alive, nor they it.
        lease.start(interval: renewalInterval) { [weak self] registry in self?.renew(registry) }
        return lease
    }

    private func renew(_ registry: SandboxRegistry) {
        recordLock.withLock {
            try? registry.renew(all, owner.renewed())
        }
    }

    /// Every sandbox claimed so far, for dropping at the end or on Ctrl-C.
    var all: [String] { lock.withLock { created } }

    /// Drops the sandboxes claimed so far.
    /// - Returns: problems, one line each.
    func dropAll(using client: MongoClient) -> [String] {
        let names = lock.withLock { () -> [String] in
            defer { created = [] }
            return created
        }
        return names.compactMap { drop($0, using: client) }
    }

    /// Drops one sandbox: with `--jobs`, the others may still be in use. Its record goes
    /// once the database is gone; if the drop fails the record stays, for a prune to retry.
    /// - Returns: the problem, if it could not be dropped.
    func drop(_ name: String, using client: MongoClient) -> String? {
        let lease = lock.withLock { () -> SandboxLease? in
            created.removeAll { $0 == name }
            return self.lease
        }
        do throws(MongoError) {
            try client.dropDatabase(name)
        } catch {
            // Still the run's: a later drop (the run's end, Ctrl-C) tries again.
            lock.withLock { if !created.contains(name) { created.append(name) } }
            return "The sandbox database \(name) could not be dropped: \(error.message)"
        }
        // A record left behind here (the server went away) names a database that is gone;
        // a prune removes it once this process has exited.
        recordLock.withLock { try? lease?.withRegistry { try $0.release(name, runID: runID) } }
        return nil
    }

    /// The run's last word on its records: the sandboxes still standing (kept, or whose
    /// drop failed) are marked as ended, and the registry is dropped if that leaves it
    /// empty. Renewals stop first. Once only; no claim is taken afterwards.
    /// - Parameter serverIsUp: false when the server went away (a scratch server that
    ///   died): nothing is sent.
    func finish(kept: Bool, serverIsUp: Bool = true) {
        let (lease, names, registered) = lock.withLock { () -> (SandboxLease?, [String], Bool) in
            defer { finished = true }
            return finished ? (nil, [], false) : (self.lease, created, self.registered)
        }
        guard let lease else { return }
        lease.stop()
        if serverIsUp && registered {
            try? lease.withRegistry { registry in
                try registry.end(names, runID: runID, kept: kept)
                try registry.dropIfEmpty()
            }
        }
        lease.close(serverIsUp: serverIsUp)
    }
}
