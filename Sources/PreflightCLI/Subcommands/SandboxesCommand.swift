import ArgumentParser
import Foundation
import Mongo
import PreflightCore

struct SandboxesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandboxes",
        abstract: "List the pf_… sandbox databases on a server with their owners; --prune drops those whose run is gone.",
        discussion: """
            Before it creates a sandbox, a run records its owner in the database \
            preflight_sandboxes on the same server: the run id, host, pid and start time of \
            its process, and a lease it renews every 10 s while it lives (60 s long). A run \
            killed with kill -9 cannot drop its sandboxes; this command finds them.

            Every pf_… database is listed with what is known of its owner:
              alive            its process is running (same machine and container), or,
                               seen from elsewhere, its lease has not run out: never pruned
              no living owner  its process has exited, its lease expired, or its run ended
                               and kept it (--keep-databases): --prune drops it
              unknown owner    no record Preflight can read: not a sandbox of this Preflight
                               version, perhaps not Preflight's at all: never pruned, drop
                               it yourself if it is yours

            --prune takes each sandbox without a living owner over in the registry first, on \
            condition that its record is unchanged, so a run that renews its lease meanwhile \
            keeps it; then drops the database and its record, and the registry once it is \
            empty. Databases not named pf_… are never looked at. A run against a --uri prints \
            one line when it sees sandboxes without a living owner.

            Examples:
              preflight sandboxes --uri "$STAGING_URI"
              preflight sandboxes --uri "$STAGING_URI" --prune --older-than 1h

            Exit codes: 0 listed (and pruned); 3 the server cannot be reached, or a sandbox \
            could not be dropped; 64 usage.
            """)

    @Option(help: ArgumentHelp("The server whose sandboxes to list (mongodb:// or mongodb+srv://).", valueName: "uri"))
    var uri: String

    @Flag(help: "Drop the sandboxes without a living owner, and their records.")
    var prune = false

    @Option(help: ArgumentHelp(
        "With --prune, drop only sandboxes whose run started at least this long ago: 90s, 30m, 12h, 7d.", valueName: "age"))
    var olderThan: Age?

    func validate() throws {
        if olderThan != nil && !prune {
            throw ValidationError("--older-than chooses which sandboxes --prune drops; give --prune too.")
        }
    }

    func run() throws {
        let pool: ConnectionPool
        do throws(MongoError) {
            pool = try ConnectionPool(uri: uri, appName: "preflight-sandboxes")
        } catch {
            throw CommandFailure.exit(error.message, .environment)
        }
        defer { pool.close() }
        let inventory: SandboxInventory
        do {
            inventory = try pool.withClient { try SandboxInventory.survey($0) }
        } catch {
            let message = (error as? MongoError)?.message ?? "\(error)"
            throw CommandFailure.exit("Cannot list the sandboxes on \(pool.redactedURI): \(message)", .environment)
        }
        guard !inventory.entries.isEmpty else {
            ConsoleReport.standardOutput("No pf_… databases on \(pool.redactedURI).")
            return
        }
        let width = inventory.entries.map(\.name.count).max() ?? 0
        func line(_ entry: SandboxEntry) -> String {
            entry.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.line
        }
        guard prune else {
            inventory.entries.map(line).forEach(ConsoleReport.standardOutput)
            ConsoleReport.standardOutput(summary(inventory))
            return
        }
        let pruned: SandboxInventory.Pruned
        do {
            pruned = try pool.withClient { inventory.prune($0, olderThan: olderThan?.seconds) }
        } catch {
            throw CommandFailure.exit("Cannot prune the sandboxes on \(pool.redactedURI): \(error)", .environment)
        }
        for entry in pruned.dropped { ConsoleReport.standardOutput("dropped  " + line(entry)) }
        for (entry, why) in pruned.spared { ConsoleReport.standardOutput("left     " + line(entry) + (why == "alive" || why == "unknown owner" ? "" : " — \(why)")) }
        let word = pruned.dropped.count == 1 ? "sandbox" : "sandboxes"
        ConsoleReport.standardOutput("Dropped \(pruned.dropped.count) \(word); left \(pruned.spared.count).")
        guard pruned.problems.isEmpty else {
            pruned.problems.dropLast().forEach(Console.standardError)
            throw CommandFailure.exit(pruned.problems[pruned.problems.count - 1], .environment)
        }
    }

    /// `3 pf_… databases: 1 alive, 1 without a living owner, 1 of unknown owner.` and how to prune.
    private func summary(_ inventory: SandboxInventory) -> String {
        let count = { (state: SandboxEntry.State) in inventory.entries.filter { $0.state == state }.count }
        var text = "\(inventory.entries.count) pf_… database\(inventory.entries.count == 1 ? "" : "s"): "
            + "\(count(.alive)) alive, \(count(.orphaned)) without a living owner, \(count(.unknownOwner)) of unknown owner."
        if count(.orphaned) > 0 {
            text += " Drop those without a living owner: preflight sandboxes --uri '\(URIRedaction.redact(uri))' --prune"
        }
        return text
    }
}
