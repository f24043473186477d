import Foundation
import Mongo

/// Who made a sandbox, as the registry records it: the run, the process it ran in, and a
/// lease the run keeps renewing while it lives. From the same machine the process itself
/// says whether the run is alive; from anywhere else only the lease can.
public struct SandboxOwner: Sendable, Equatable {
    public var runID: String
    public var process: ProcessIdentity
    public var startedAt: Date
    /// Renewed every `SandboxRegistry.renewalInterval` while the run lives; a lease that
    /// ran out means nobody has heard from the run for `SandboxRegistry.lease`.
    public var leaseUntil: Date
    public var preflightVersion: String
    /// When the run ended without dropping the sandbox (`--keep-databases`, or a drop that
    /// failed): from then on nobody owns it.
    public var endedAt: Date?
    public var kept = false
    /// Who took the sandbox over to prune it, and when: a prune that died halfway.
    public var pruning: String?

    /// The owner of the sandboxes of a run starting now in this process.
    static func current(runID: String) -> SandboxOwner {
        let now = Date()
        return SandboxOwner(
            runID: runID, process: .current, startedAt: now, leaseUntil: now.addingTimeInterval(SandboxRegistry.lease),
            preflightVersion: PreflightVersion.current)
    }

    /// The same owner with a lease running from now.
    func renewed() -> SandboxOwner {
        var owner = self
        owner.leaseUntil = Date().addingTimeInterval(SandboxRegistry.lease)
        return owner
    }

    /// The record of the sandbox `name`, its `_id`.
    func document(name: String) -> BSONDocument {
        var document: BSONDocument = [
            "_id": .string(name), "runId": .string(runID), "host": .string(process.host), "pid": .int32(process.pid),
            "bootId": process.bootID.map(BSON.string) ?? .null, "pidNamespace": process.pidNamespace.map(BSON.string) ?? .null,
            "processStart": process.startTicks.map(BSON.int64) ?? .null,
            "startedAt": Self.bson(startedAt), "leaseUntil": Self.bson(leaseUntil), "preflightVersion": .string(preflightVersion),
        ]
        if let endedAt {
            document["endedAt"] = Self.bson(endedAt)
            document["kept"] = .bool(kept)
        }
        return document
    }

    /// Reads a record back; nil for one this version cannot read (written by hand, or by
    /// another version): its sandbox then has an unknown owner and is never pruned.
    init?(document: BSONDocument) {
        guard let runID = document["runId"]?.stringValue, let host = document["host"]?.stringValue,
            let pid = document["pid"]?.integerValue.flatMap({ Int32(exactly: $0) }),
            let startedAt = Self.date(document["startedAt"]), let leaseUntil = Self.date(document["leaseUntil"])
        else { return nil }
        self.runID = runID
        process = ProcessIdentity(
            host: host, bootID: document["bootId"]?.stringValue, pidNamespace: document["pidNamespace"]?.stringValue, pid: pid,
            startTicks: document["processStart"]?.integerValue)
        self.startedAt = startedAt
        self.leaseUntil = leaseUntil
        preflightVersion = document["preflightVersion"]?.stringValue ?? "unknown"
        endedAt = Self.date(document["endedAt"])
        kept = document["kept"]?.boolValue ?? false
        pruning = document["pruning"]?.documentValue.map { pruning in
            let by = pruning["by"]?.stringValue ?? "another process"
            return Self.date(pruning["since"]).map { "\(by) since \(Self.text($0))" } ?? by
        }
    }

    private init(runID: String, process: ProcessIdentity, startedAt: Date, leaseUntil: Date, preflightVersion: String) {
        self.runID = runID
        self.process = process
        self.startedAt = startedAt
        self.leaseUntil = leaseUntil
        self.preflightVersion = preflightVersion
    }

    /// Milliseconds, as BSON keeps dates: what is written is what is compared later.
    static func bson(_ date: Date) -> BSON {
        .datetime(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func date(_ value: BSON?) -> Date? {
        guard case .datetime(let milliseconds)? = value else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `2026-02-01T10:00:00Z`.
    static func text(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
