import Foundation
import Mongo

/// Everything a gate found, and its verdict.
public struct GateResult: Sendable {
    public var checklist: Checklist
    /// The real database checked.
    public var database: String
    /// Checked against the checklist's snapshot on a scratch server, not a live server.
    public var onScratch: Bool
    public var facts: ServerFacts
    public var redactedURI: String
    /// The connection's roles, as read before the checks.
    public var privileges: String
    public var items: [GateItem]
    public var notes: [String]
    public var startedAt: Date
    public var duration: TimeInterval

    /// GO only when at least one item was checked and held, and nothing blocks: a gate
    /// whose every item was excused (skipped, unknown allowed to warn) checked nothing.
    public var go: Bool { items.contains { $0.outcome == .passed } && blocking.isEmpty }

    public var blocking: [GateItem] { items.filter(\.blocks) }
    public var warnings: [GateItem] { items.filter(\.warns) }
    public var fixed: [GateItem] { items.filter { $0.fixedBy != nil } }

    /// Why the verdict is what it is, blocking reasons first, one line each.
    public var reasons: [String] {
        if !items.contains(where: { $0.outcome == .passed }) {
            return ["the gate checked nothing that held: no item passed, and a gate whose every item was excused is never GO"] + blocking.map(\.line)
        }
        return blocking.map(\.line)
    }

    /// `GO — Phase 0.7 pre-deployment: 41 items held on earlybird (against the scratch snapshot, not a live server)`.
    public var verdictLine: String {
        let counts = "\(items.filter { $0.outcome == .passed }.count) passed, \(items.filter { $0.outcome == .failed }.count) failed, "
            + "\(items.filter { $0.outcome == .unknown }.count) unknown, \(fixed.count) fixed by pending migrations; "
            + "\(blocking.count) blocking, \(warnings.count) not blocking"
        let against = onScratch ? "against the scratch snapshot, not a live server" : "against \(database) on \(redactedURI)"
        return "\(go ? "GO" : "NO-GO") — \(checklist.name): \(counts) (\(against))"
    }

    /// Items of one section, in the order checked.
    public func items(in section: GateItem.Section) -> [GateItem] {
        items.filter { $0.section == section }
    }
}
