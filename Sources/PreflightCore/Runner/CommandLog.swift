import Foundation
import Mongo

/// Turns command monitoring events into log lines for the test that is running.
final class CommandLog: @unchecked Sendable {
    // @unchecked: `current` is guarded by `lock`.
    private let lock = NSLock()
    private var current: TestLog?
    /// Reads every command and reply, logged or not: a secret met outside a test (the
    /// live data check) is as secret inside one.
    private let discovery = SecretDiscovery()

    /// Commands go to `log` until the next call; nil stops logging.
    func attach(_ log: TestLog?) {
        lock.withLock { current = log }
    }

    func record(_ event: CommandEvent) {
        switch event.outcome {
        case .started(let command, _): discovery.started(command, name: event.commandName, operationID: event.operationID)
        case .succeeded(let reply, _), .failed(_, let reply, _): discovery.replied(reply, operationID: event.operationID)
        }
        guard let log = lock.withLock({ current }) else { return }
        // Rendered (and redacted) only if the log is read: most never are, and making the
        // line cost more than the command's round trip.
        log.append(.command(event))
    }

    /// The log line of `event`.
    static func line(for event: CommandEvent) -> String {
        let name = event.commandName
        switch event.outcome {
        case .started(let command, let database):
            return "→ \(database).\(name) \(Self.shown(command.document))"
        case .succeeded(let reply, let microseconds):
            return "← \(name) ok (\(Self.milliseconds(microseconds))) \(Self.shown(reply: reply.document))"
        case .failed(let message, let reply, let microseconds):
            return "← \(name) failed (\(Self.milliseconds(microseconds))): \(message) \(Self.shown(reply: reply.document))"
        }
    }

    /// A command as a log shows it: redacted, clipped, and without the session plumbing
    /// that is the same on every command.
    private static func shown(_ command: BSONDocument) -> String {
        shown(command, without: ["lsid", "$clusterTime", "$db", "$readPreference"])
    }

    /// A reply as a log shows it: what the server answered (the documents a find
    /// returned, the counts a write reports), redacted and clipped, without the cluster
    /// time every reply carries.
    private static func shown(reply: BSONDocument) -> String {
        shown(reply, without: ["$clusterTime", "operationTime", "electionId", "opTime", "lsid"])
    }

    private static func shown(_ document: BSONDocument, without plumbing: [String]) -> String {
        var shown = document
        for key in plumbing { shown[key] = nil }
        return Redaction.redact(.document(shown)).extendedJSON(.relaxed).clipped(to: 600)
    }

    private static func milliseconds(_ microseconds: Int64) -> String {
        FixedPoint.text(Double(microseconds) / 1000, places: 1) + " ms"
    }
}
