import ArgumentParser
import PreflightCore

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Turn documents from a live database into a scenario file that replays them (incident reproduction).",
        discussion: """
            Reads the documents of --collection that --filter matches (sorted by _id, at most \
            --limit), then, rule by rule, the documents they reference (--follow), and writes a \
            scenario with them as fixtures and one test: the same find, which must return the same \
            documents. Run it with `preflight run FILE`, then add the steps that reproduce the \
            incident.

            Only reads are sent (find, and a count when --limit cuts the filter's documents \
            short); nothing on the server is written, created or dropped.

            --follow A.x=B.y captures the documents of A whose field x equals any value at field y \
            of the documents already captured from B (arrays expanded, as $in does). B is the \
            --collection or the A of an earlier --follow; rules apply in the order given. A \
            collection name is the text before the first dot.

            --redact C.path replaces every value at that path in C's documents (through arrays \
            too) with a token. One token table serves the whole capture, so the same real value \
            gets the same token everywhere and references still join: redact both ends of a \
            reference. Strings become "redacted-000001", ObjectIds and numbers keep their type \
            with a counter, anything else becomes a string token; null stays null. Values under \
            keys that look like secrets (password, pwd, secret, token, …) are always redacted, \
            named or not, and the summary lists them. A value in the replay's filter that was \
            redacted becomes its token. Nothing is written if a redacted value would still \
            appear in the file, or if the file would not load (preflight check).

            Fixture documents are written in canonical Extended JSON, one per line, so int32, \
            int64, double, Decimal128, dates and binary data replay as they were. The file is \
            written atomically; an existing file is kept unless --force.

            Example (EarlyBird: delivered orders that were never billed, with their delivery \
            statuses and customers, phone numbers and customer ids redacted):

              preflight capture --uri "$PROD_READONLY_URI" --database earlybird \\
                --collection orders \\
                --filter '{"status": "delivered", "billed": {"$ne": true}}' \\
                --follow delivery_statuses.order_id=orders._id \\
                --follow customers_v2._id=orders.customer_id \\
                --redact customers_v2.phone --redact customers_v2._id \\
                --redact orders.customer_id \\
                --name "Delivered orders never billed" \\
                --output scenarios/incidents/unbilled.json
              preflight run scenarios/incidents/unbilled.json

            Exit codes: 0 the scenario was written; 2 nothing to capture (the filter matches no \
            document) or the capture is invalid (more than 10,000 documents, documents a scenario \
            cannot hold, a redacted value that would be revealed, a query the server refuses); \
            3 the server cannot be reached, or the file cannot be written; 64 usage (a malformed \
            --filter, --follow or --redact, an uncaptured collection, an existing --output \
            without --force).
            """)

    @Option(help: ArgumentHelp("The live server to read from (mongodb:// or mongodb+srv://); only reads are sent.", valueName: "uri"))
    var uri: String

    @Option(help: ArgumentHelp("The database to read.", valueName: "name"))
    var database: String

    @Option(help: ArgumentHelp("The collection whose documents the filter selects.", valueName: "name"))
    var collection: String

    @Option(help: ArgumentHelp("Which documents of --collection, as Extended JSON.", valueName: "json"))
    var filter: String = "{}"

    @Option(
        name: .customLong("follow"),
        help: ArgumentHelp(
            "Also capture the documents of A whose field x equals a value at field y of those captured from B. Repeatable, applied in order.",
            valueName: "A.x=B.y"))
    var follows: [String] = []

    @Option(
        name: .customLong("redact"),
        help: ArgumentHelp("Replace every value at this path of the collection's documents with a token. Repeatable.", valueName: "C.path"))
    var redactions: [String] = []

    @Option(help: ArgumentHelp("At most this many documents of --collection, the first by _id (1 to 10,000).", valueName: "n"))
    var limit: Int = 100

    @Option(help: ArgumentHelp("The scenario's name (default: Captured from DATABASE.COLLECTION).", valueName: "text"))
    var name: String?

    @Option(help: ArgumentHelp("The scenario file to write (its folder is created).", valueName: "path"))
    var output: String

    @Flag(help: "Replace --output if it exists.")
    var force = false

    func validate() throws {
        _ = try request()
    }

    func run() throws {
        let request = try request()
        let result: CaptureResult
        do {
            result = try Capture.run(request)
        } catch {
            throw CommandFailure.exit(error, error.exitCode)
        }
        for warning in result.warnings { Console.standardError("Warning: " + warning + ".") }
        print(result.summary)
    }

    /// The arguments checked, before anything connects; a problem is a usage error (64).
    private func request() throws -> CaptureRequest {
        do {
            return try CaptureRequest(
                uri: uri, database: database, collection: collection, filter: filter, follows: follows,
                redactions: redactions, limit: limit, name: name, output: output, force: force)
        } catch {
            throw ValidationError(error.errorDescription ?? "\(error)")
        }
    }
}
