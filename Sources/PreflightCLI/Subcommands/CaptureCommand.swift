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
            reference. Numbers are the same value when MongoDB finds them equal (int32 7, int64 7, \
            7.0 and a decimal 7 share one token number), and each token keeps its own value's type, \
            so the replayed documents join as the live ones did. Strings become \
            "redacted-000001", ObjectIds an ObjectId counter, anything else a string token; null \
            stays null. Values under keys that look like secrets (password, pwd, secret, token, …) \
            are always redacted, named or not, and the summary lists them. A path that matches no \
            value in the captured documents stops the capture: a misspelt path would leave the real \
            values in the file. Path segments cannot be empty or start with $.

            --filter may compare a redacted field by equality ($eq, $ne, $in, $nin, $all of literal \
            values, or a plain value), whose values become their tokens, and with $exists. Anything \
            else on a redacted field ($regex or a regular expression, $gt, $type, …), and any field \
            inside a redacted value, is refused before anything is read: the replay could not find \
            the documents by their tokens.

            Nothing is written if a redacted value would still appear in the file. Strings are \
            looked for by equality and, from four characters on, inside every string (the name and \
            the description too); ObjectIds also as their hex inside strings; dates by equality; \
            numbers by numeric value in any numeric type, but only those of at least 1,000 in size \
            or with a fraction: small whole numbers (quantities, flags) are in every document and \
            would raise false alarms, so a small redacted number kept at another path is not \
            found. Nothing is written either if the file would not load (preflight check), \
            including a document with an empty field name, which the fixture loader cannot insert.

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
            cannot hold, such as one with an empty field name, a redacted value that would be \
            revealed, a query the server refuses); 3 the server cannot be reached, or the file \
            cannot be written; 64 usage (a malformed --filter, --follow or --redact, an \
            uncaptured collection, a --redact path that matches no value, a filter on a redacted \
            field other than by equality, an --output that is a directory, or exists without \
            --force).
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
        help: ArgumentHelp(
            "Replace every value at this path of the collection's documents with a token; the path must match a value. Repeatable.",
            valueName: "C.path"))
    var redactions: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("At most this many documents of --collection, the first by _id (1 to 10,000).", valueName: "n"))
    var limit: Int = 100

    @Option(help: ArgumentHelp("The scenario's name (default: Captured from DATABASE.COLLECTION).", valueName: "text"))
    var name: String?

    @Option(help: ArgumentHelp("The scenario file to write, not a directory (its folder is created).", valueName: "path"))
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
