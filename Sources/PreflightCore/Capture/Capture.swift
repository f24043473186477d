import Foundation
import Mongo

/// `preflight capture`: documents of a live database turned into a scenario that loads
/// them as fixtures and replays the query that found them — the first step in
/// reproducing an incident (the README, “What Preflight is”).
public enum Capture {
    /// The app name the server sees, so a capture is easy to tell apart in its logs.
    public static let appName = "preflight-capture"

    /// Reads what `request` asks for (only `find` and `countDocuments`), redacts it,
    /// checks that the scenario loads and reveals nothing redacted, and writes it.
    /// - Parameters:
    ///   - monitor: sees every command the capture sends.
    ///   - now: when the capture was taken, for the scenario's description.
    /// - Throws: `CaptureError`; when it throws, nothing was written.
    public static func run(_ request: CaptureRequest, monitor: CommandMonitor? = nil, now: Date = Date()) throws(CaptureError)
        -> CaptureResult
    {
        // Asked before the reads, which may take a while; asked again, atomically, when writing.
        if !request.force && FileManager.default.fileExists(atPath: request.output) {
            throw .outputExists(path: request.output)
        }
        let outcome = try read(request, monitor: monitor)
        // Redacted twice: the first pass learns every real number redacted, so that the
        // second hands out no number token equal to one (see `TokenTable(avoiding:)`).
        var survey = Redactor(request.redactions)
        _ = redact(outcome, request, with: &survey)
        var redactor = Redactor(request.redactions, avoiding: Set(survey.table.redactedNumbers))
        let (fixtures, filter) = redact(outcome, request, with: &redactor)
        try checkReached(redactor, outcome)
        let expected = expectedIDs(outcome, fixtures, root: request.collection)

        let writer = CaptureScenarioWriter(
            name: request.name,
            description: description(request, outcome, filter: filter, redactor: redactor, now: now),
            database: request.database, fixtures: fixtures, collection: request.collection, filter: filter,
            expectedIDs: expected)
        let text = writer.text()
        try writer.verify(text, as: request.output)
        var leaks = LeakGuard(table: redactor.table)
        for fixture in fixtures {
            for (index, document) in fixture.documents.enumerated() {
                leaks.inspect(document, of: fixture.collection, at: "fixtures.\(fixture.collection)[\(index)]")
            }
        }
        leaks.inspect(.document(filter), at: "the replay's filter")
        leaks.inspect(.array(expected), at: "the replay's expected _id list")
        leaks.inspect(text: request.name, at: "the scenario's name")
        // The filter in the description was looked through above, where tokens are told
        // apart from real values; in the description's text they are not.
        leaks.inspect(
            text: description(request, outcome, filter: [:], redactor: redactor, now: now), at: "the scenario's description")
        try leaks.check()
        try leaks.check(text: text)
        try CaptureFile.write(text, to: request.output, replacing: request.force)

        return CaptureResult(
            output: request.output, database: request.database,
            collections: outcome.data.collections.map { collection in
                CaptureResult.Collection(
                    name: collection, documents: outcome.data.documents(in: collection).count,
                    source: sources(of: collection, request, outcome))
            },
            redacted: zip(redactor.redactions, redactor.replaced).map { ($0.description, $1) },
            automaticallyRedacted: redactor.automatic, warnings: outcome.warnings)
    }

    /// The fixtures and the replay's filter with their redacted values replaced.
    private static func redact(_ outcome: CaptureReader.Outcome, _ request: CaptureRequest, with redactor: inout Redactor)
        -> (fixtures: [(collection: String, documents: [BSONDocument])], filter: BSONDocument)
    {
        var fixtures: [(collection: String, documents: [BSONDocument])] = []
        for collection in outcome.data.collections {
            fixtures.append((collection, outcome.data.documents(in: collection).map { redactor.redact($0, in: collection) }))
        }
        return (fixtures, redactor.replayFilter(request.filter, in: request.collection))
    }

    /// A --redact path that reached no value in documents that were captured is misspelt
    /// (or names a field they lack): the values meant to be hidden would be written as
    /// they are, so it stops the capture. A collection with no document hides nothing.
    private static func checkReached(_ redactor: Redactor, _ outcome: CaptureReader.Outcome) throws(CaptureError) {
        var unreached: [String] = []
        for (field, count) in zip(redactor.redactions, redactor.reached) where count == 0 {
            let documents = outcome.data.documents(in: field.collection).count
            if documents > 0 {
                unreached.append("--redact \(field) matched no value in the \(documents.grouped) document\(documents == 1 ? "" : "s") captured from \(field.collection)")
            }
        }
        guard !unreached.isEmpty else { return }
        throw .usage("""
            \(unreached.joined(separator: "; ")): a misspelt path would leave the real values in the file. Check the \
            path (names are case-sensitive), or leave that --redact out. Nothing was written.
            """)
    }

    private static func read(_ request: CaptureRequest, monitor: CommandMonitor?) throws(CaptureError) -> CaptureReader.Outcome {
        let pool: ConnectionPool
        do {
            pool = try ConnectionPool(uri: request.uri, monitor: monitor, appName: appName)
        } catch {
            throw .usage("--uri: \(error.message)")
        }
        defer { pool.close() }
        do {
            return try pool.withClient { client in try CaptureReader(client: client, request: request).read() }
        } catch let error as CaptureError {
            throw error
        } catch {
            throw .unreachable(uri: URIRedaction.redact(request.uri), message: (error as? MongoError)?.message ?? "\(error)")
        }
    }

    /// The replay's expected `_id`s as the fixtures hold them: tokens where `_id` is redacted.
    private static func expectedIDs(
        _ outcome: CaptureReader.Outcome, _ fixtures: [(collection: String, documents: [BSONDocument])], root: String
    ) -> [BSON] {
        let originals = outcome.data.documents(in: root)
        let redacted = fixtures.first { $0.collection == root }?.documents ?? []
        var written: [BSON: BSON] = [:]
        for (original, document) in zip(originals, redacted) {
            written[original["_id"] ?? .null] = document["_id"] ?? .null
        }
        return outcome.expectedIDs.map { written[$0] ?? $0 }
    }

    /// Where a collection's documents came from, for the summary.
    private static func sources(of collection: String, _ request: CaptureRequest, _ outcome: CaptureReader.Outcome) -> String {
        var sources = collection == request.collection ? ["the filter"] : []
        for (rule, _, documents) in outcome.followed where rule.target.collection == collection {
            sources.append("--follow \(rule)" + (documents == 0 ? ", none found" : ""))
        }
        return sources.joined(separator: "; ")
    }

    /// When, from where and how the documents were captured: the redacted URI, the filter
    /// as the replay runs it (with tokens), the rules and the redacted paths.
    private static func description(
        _ request: CaptureRequest, _ outcome: CaptureReader.Outcome, filter: BSONDocument, redactor: Redactor, now: Date
    ) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var text = "Captured \(formatter.string(from: now)) from \(URIRedaction.redact(request.uri)) database \(request.database): "
        text += "\(request.collection) matching \(filter.extendedJSON(.relaxed))"
        if let matched = outcome.matched {
            text += " (the first \(request.limit.grouped) by _id of \(matched.grouped), --limit)"
        }
        if !outcome.followed.isEmpty {
            text += "; follows " + outcome.followed.map { "\($0.rule) (\($0.documents.grouped) found)" }.joined(separator: ", ")
        }
        if !request.redactions.isEmpty {
            text += "; redacted paths " + request.redactions.map(\.description).joined(separator: ", ")
        }
        if !redactor.automatic.isEmpty {
            text += "; redacted because the key looks like a secret: " + redactor.automatic.map(\.path).joined(separator: ", ")
        }
        return text + "."
    }
}
