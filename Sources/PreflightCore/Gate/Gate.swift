import Foundation
import Mongo

/// `preflight gate`: is it safe to deploy this release, with the migrations it applies,
/// onto this database? Server preconditions, scenarios, compat specs and pending
/// migrations, each item passed, failed or unknown, and one verdict. Nothing is written
/// on the server outside the run's own `pf_…` sandboxes.
public final class Gate {
    let loaded: ChecklistLoader.Loaded
    let run: ScenarioRun
    /// The real database: `--database`, the URI's, or the checklist's.
    let database: String
    /// The connection string, for the read-only copies into sandboxes.
    let uri: String
    /// Checking a snapshot on a scratch server, not a live one.
    let onScratch: Bool
    /// Hears of each item as it ends, for the console.
    let report: (GateItem) -> Void
    /// Says what is being checked now, on a terminal.
    let progress: GateProgress

    var privileges = Privileges(roles: nil)
    /// Notes for the evidence: what was copied, from where.
    var notes: [String] = []

    public init(
        _ loaded: ChecklistLoader.Loaded, run: ScenarioRun, database: String, uri: String, onScratch: Bool,
        progress: GateProgress = GateProgress(ProgressLine(enabled: false)), report: @escaping (GateItem) -> Void
    ) {
        self.loaded = loaded
        self.run = run
        self.database = database
        self.uri = uri
        self.onScratch = onScratch
        self.report = report
        self.progress = progress
    }

    /// `items` with no fix credited to the pending migrations, each saying why.
    static func uncredited(_ items: [GateItem], _ broken: GateItem) -> [GateItem] {
        items.map { item in
            guard let fixedBy = item.fixedBy else { return item }
            var item = item
            item.fixedBy = nil
            let why = broken.outcome == .unknown ? "are not verified" : "fail their own checks"
            item.reason += " — \(fixedBy) would fix it, but the migrations \(why) (\(broken.name): \(broken.outcome.rawValue)), so it is not counted as fixed"
            return item
        }
    }

    /// Runs every item. Never throws: what cannot be checked is an unknown item.
    public func check() -> GateResult {
        let started = Date()
        privileges = (try? run.pool.withClient { Privileges.read($0) }) ?? Privileges(roles: [], unreadable: "no connection")
        var items: [GateItem] = []
        let server: [GateItem]
        do {
            server = try run.pool.withClient { client in
                ServerChecks(
                    requirements: loaded.checklist.server, database: database, client: client, facts: run.facts, privileges: privileges,
                    onScratch: onScratch
                ).run()
            }
        } catch {
            // Every requirement is still an item: one that vanished would read as met.
            server = ServerChecks.names(of: loaded.checklist.server).map { name in
                var item = GateItem(section: .server, name: name, outcome: .unknown, reason: "no connection to check it: \(error)")
                item.policy = loaded.checklist.server.policies[name] ?? ItemPolicy()
                return item
            }
        }
        server.forEach(report)
        items += server
        let compat = compatItems()
        let scenarios = scenarioItems()
        var migrations = migrationItems()
        var adjusted = (compat: compat.items, scenarios: scenarios.items)
        if !loaded.migrations.isEmpty {
            let after = afterMigrations(compat: compat, scenarios: scenarios)
            adjusted = (after.compat, after.scenarios)
            if let sequence = after.sequence { migrations.append(sequence) }
            // A migration that fails its own checks is not the fix it would be: what it
            // would fix stays as it is today. An item the checklist lets warn does not count.
            if let broken = migrations.first(where: \.blocks) {
                adjusted = (Self.uncredited(adjusted.compat, broken), Self.uncredited(adjusted.scenarios, broken))
            }
        }
        for item in adjusted.scenarios + adjusted.compat + migrations { report(item) }
        items += adjusted.scenarios + adjusted.compat + migrations
        return GateResult(
            checklist: loaded.checklist, database: database, onScratch: onScratch, facts: run.facts, redactedURI: run.pool.redactedURI,
            privileges: privileges.description, items: items, notes: notes, startedAt: started, duration: Date().timeIntervalSince(started))
    }
}
