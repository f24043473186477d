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

    var privileges = Privileges(roles: nil)
    /// Notes for the evidence: what was copied, from where.
    var notes: [String] = []

    public init(
        _ loaded: ChecklistLoader.Loaded, run: ScenarioRun, database: String, uri: String, onScratch: Bool,
        report: @escaping (GateItem) -> Void
    ) {
        self.loaded = loaded
        self.run = run
        self.database = database
        self.uri = uri
        self.onScratch = onScratch
        self.report = report
    }

    /// Runs every item. Never throws: what cannot be checked is an unknown item.
    public func check() -> GateResult {
        let started = Date()
        privileges = (try? run.pool.withClient { Privileges.read($0) }) ?? Privileges(roles: [], unreadable: "no connection")
        var items: [GateItem] = []
        func add(_ new: [GateItem]) {
            items += new
        }
        let server = (try? run.pool.withClient { client in
            ServerChecks(
                requirements: loaded.checklist.server, database: database, client: client, facts: run.facts, privileges: privileges,
                onScratch: onScratch
            ).run()
        }) ?? []
        server.forEach(report)
        add(server)
        let compat = compatItems()
        let scenarios = scenarioItems()
        let migrations = migrationItems()
        var adjusted = (compat: compat.items, scenarios: scenarios.items)
        if !loaded.migrations.isEmpty {
            adjusted = afterMigrations(compat: compat, scenarios: scenarios)
        }
        for item in adjusted.compat + adjusted.scenarios + migrations { report(item) }
        add(adjusted.scenarios)
        add(adjusted.compat)
        add(migrations)
        return GateResult(
            checklist: loaded.checklist, database: database, onScratch: onScratch, facts: run.facts, redactedURI: run.pool.redactedURI,
            privileges: privileges.description, items: items, notes: notes, startedAt: started, duration: Date().timeIntervalSince(started))
    }

    /// The name a migration is reported by in "fixed by …".
    func label(_ migration: Migration) -> String {
        migration.name
    }
}
