import Foundation
import Mongo

/// Names and guards the run's sandbox databases, `pf_<run-id>_<n>`: short, unique per
/// scenario run, and never one that already exists — on a shared server that database
/// belongs to someone else.
final class SandboxNames: @unchecked Sendable {
    // @unchecked: `next` and `created` are guarded by `lock`.
    let runID: String
    private let lock = NSLock()
    private var next = 1
    private var created: [String] = []

    init(runID: String = SandboxNames.makeRunID()) {
        self.runID = runID
    }

    /// Six hex digits: enough that two runs on one server do not meet, short enough to read.
    static func makeRunID() -> String {
        String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
    }

    /// Claims the next name, refusing one that already exists on the server.
    func claim(using client: MongoClient) throws -> String {
        let name = lock.withLock { () -> String in
            defer { next += 1 }
            return "pf_\(runID)_\(next)"
        }
        if try client.databaseNames().contains(name) {
            throw RunFailure.errored(TestProblem(
                type: "sandbox",
                message: "the sandbox database \"\(name)\" already exists on this server; Preflight never writes to a database it did not create, so this scenario was not run"))
        }
        lock.withLock { created.append(name) }
        return name
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

    /// Drops one sandbox: with `--jobs`, the others may still be in use.
    /// - Returns: the problem, if it could not be dropped.
    func drop(_ name: String, using client: MongoClient) -> String? {
        lock.withLock { created.removeAll { $0 == name } }
        do throws(MongoError) {
            try client.dropDatabase(name)
            return nil
        } catch {
            return "The sandbox database \(name) could not be dropped: \(error.message)"
        }
    }
}
