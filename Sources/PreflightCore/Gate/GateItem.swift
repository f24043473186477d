import Foundation

/// One thing the gate checked, and what came of it.
public struct GateItem: Sendable {
    public enum Section: String, Sendable, CaseIterable {
        case server, scenarios, compat, migrations
    }

    /// Every item ends one of three ways; none passes without having been checked.
    public enum Outcome: String, Sendable {
        case passed
        case failed
        /// Could not be checked: a missing privilege, a command the server lacks, a skipped test.
        case unknown
    }

    public var section: Section
    /// Unique within its section: `minVersion`, `scenarios/a.json::a test`, `compat/orders-0.7.json`.
    public var name: String
    public var outcome: Outcome
    /// One line, with its figures: why it passed, failed or is unknown.
    public var reason: String
    /// The body under it: counts, samples, commands.
    public var details: String = ""
    /// Named counts, for the evidence bundle and `--baseline`.
    public var figures: [(name: String, value: Int)] = []
    public var policy = ItemPolicy()
    /// Failed today, and the pending migrations fix it: `0007 backfill (verified on 5,412 documents, a whole copy)`.
    public var fixedBy: String?
    public var duration: TimeInterval = 0
    /// The file the item comes from, for JUnit's classname.
    public var file: String?

    public init(section: Section, name: String, outcome: Outcome, reason: String, file: String? = nil) {
        self.section = section
        self.name = name
        self.outcome = outcome
        self.reason = reason
        self.file = file
    }

    /// The key `--baseline` matches items by.
    public var id: String { section.rawValue + ": " + name }

    /// Whether the item stops the release.
    public var blocks: Bool {
        switch outcome {
        case .passed: false
        case .failed: !policy.warnOnly && fixedBy == nil
        case .unknown: !policy.unknownWarns
        }
    }

    /// Reported but not blocking: a warning, an unknown allowed to warn.
    public var warns: Bool { outcome != .passed && !blocks && fixedBy == nil }

    /// For the list of what the pending migrations fix: what fixes it first, then what failed today.
    public var fixedLine: String {
        "\(section.rawValue) \(name) — fixed by \(fixedBy ?? "?"); today: \(reason)"
    }

    /// The one line the verdict lists it with.
    public var line: String {
        var text = "\(section.rawValue) \(name): \(reason)"
        if let fixedBy { text += " — fixed by \(fixedBy)" }
        if warns, let why = policy.reason { text += " (does not block: \(why))" }
        return text
    }
}
