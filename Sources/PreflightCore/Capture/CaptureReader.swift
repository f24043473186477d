import Mongo

/// The reads a capture sends to the live server: `find`, and `countDocuments` (an
/// aggregation that only reads) when the limit cut the root short. Nothing else is sent,
/// so capturing from production cannot change it.
struct CaptureReader {
    let client: MongoClient
    let request: CaptureRequest

    /// What was read: the documents, the root `_id`s the replay's find must return, in
    /// `_id` order, what each rule found, and what the user should be told.
    struct Outcome {
        var data = CapturedData()
        var expectedIDs: [BSON] = []
        var followed: [(rule: FollowRule, values: Int, documents: Int)] = []
        /// How many documents the filter matched, when --limit captured fewer.
        var matched: Int?
        var warnings: [String] = []
    }

    /// `$in` lists are sent in batches of this many values, so a rule over thousands of
    /// documents never becomes one oversized command.
    static let batchSize = 1_000

    func read() throws(CaptureError) -> Outcome {
        var outcome = Outcome()
        let root = try readRoot(into: &outcome)
        for rule in request.follows {
            try follow(rule, into: &outcome)
        }
        outcome.expectedIDs = try expectedIDs(root: root, captured: outcome.data.documents(in: request.collection))
        return outcome
    }

    private var namespace: String { "\(request.database).\(request.collection)" }

    private func readRoot(into outcome: inout Outcome) throws(CaptureError) -> [BSONDocument] {
        let root = client.collection(request.collection, in: request.database)
        let documents = try attempt("the find on \(namespace)") { () throws(MongoError) in
            try root.find(request.filter, options: ["sort": ["_id": 1], "limit": .int64(Int64(request.limit))])
        }
        guard !documents.isEmpty else {
            throw .nothingToCapture(database: request.database, collection: request.collection, filter: request.filterText)
        }
        if documents.count == request.limit {
            let matched = try attempt("the count on \(namespace)") { () throws(MongoError) in
                try root.countDocuments(request.filter)
            }
            if matched > Int64(request.limit) {
                outcome.matched = Int(matched)
                outcome.warnings.append(
                    "the filter matched \(Int(matched).grouped) documents in \(namespace); captured the first \(request.limit.grouped) by _id (--limit)")
            }
        }
        outcome.data.add(documents, to: request.collection)
        return documents
    }

    /// Captures the target's documents whose field holds any value the source has at its
    /// field, batch by batch, and stops as soon as the capture would pass the cap.
    private func follow(_ rule: FollowRule, into outcome: inout Outcome) throws(CaptureError) {
        let values = Self.values(at: rule.source.path, in: outcome.data.documents(in: rule.source.collection))
        let target = client.collection(rule.target.collection, in: request.database)
        var found = 0
        if values.isEmpty {
            outcome.warnings.append(
                "--follow \(rule): the documents captured from \(rule.source.collection) have no value at \(rule.source.path); nothing to follow")
        }
        var start = 0
        while start < values.count {
            let batch = Array(values[start..<min(start + Self.batchSize, values.count)])
            start += batch.count
            // Enough to tell whether the cap is passed, however many are duplicates.
            let already = outcome.data.documents(in: rule.target.collection).count
            let room = CaptureError.documentCap - outcome.data.total
            let documents = try attempt("the find on \(request.database).\(rule.target.collection) for --follow \(rule)") {
                () throws(MongoError) in
                try target.find(
                    [rule.target.path.description: ["$in": .array(batch)]],
                    options: ["sort": ["_id": 1], "limit": .int64(Int64(room + already + 1))])
            }
            found += outcome.data.add(documents, to: rule.target.collection)
            if outcome.data.total > CaptureError.documentCap {
                throw .tooMany(limit: CaptureError.documentCap, reachedIn: "following \(rule)")
            }
        }
        // Listed even when empty, so the scenario says the rule found nothing.
        outcome.data.add([], to: rule.target.collection)
        outcome.followed.append((rule, values.count, found))
    }

    /// The distinct values at `path`, arrays expanded, in the order first seen. Null and
    /// missing are left out: `{$in: [null]}` also matches every document without the
    /// field, which is not a reference. Regular expressions too: in `$in` they match as
    /// patterns, not as values.
    static func values(at path: FieldPath, in documents: [BSONDocument]) -> [BSON] {
        var seen: Set<BSON> = []
        var values: [BSON] = []
        for document in documents {
            for value in path.values(in: document) {
                switch value {
                case .null, .undefined, .regex: continue
                default: if seen.insert(value).inserted { values.append(value) }
                }
            }
        }
        return values
    }

    /// The root `_id`s the replay's find returns, in the server's `_id` order. When a rule
    /// captured more root documents, the sandbox holds those too, and some of them may
    /// match the filter: the server, which knows its own query language, says which.
    private func expectedIDs(root: [BSONDocument], captured: [BSONDocument]) throws(CaptureError) -> [BSON] {
        guard captured.count > root.count else { return root.map { $0["_id"] ?? .null } }
        let ids: BSON = ["$in": .array(captured.map { $0["_id"] ?? .null })]
        let filter: BSONDocument = request.filter.isEmpty ? ["_id": ids] : ["$and": [.document(request.filter), ["_id": ids]]]
        let root = client.collection(request.collection, in: request.database)
        let documents = try attempt("the find on \(namespace) for the replay's expected documents") { () throws(MongoError) in
            try root.find(filter, options: ["projection": ["_id": 1], "sort": ["_id": 1]])
        }
        return documents.map { $0["_id"] ?? .null }
    }

    /// Runs one read; a failure becomes the capture's error, naming the read.
    private func attempt<T>(_ query: String, _ body: () throws(MongoError) -> T) throws(CaptureError) -> T {
        do {
            return try body()
        } catch {
            switch error.kind {
            case .network, .serverSelection, .client:
                throw .unreachable(uri: URIRedaction.redact(request.uri), message: error.message)
            case .server where [13, 18].contains(error.code ?? 0):
                // Unauthorized, AuthenticationFailed: the environment, not the filter.
                throw .unreachable(uri: URIRedaction.redact(request.uri), message: error.description)
            default:
                throw .serverRefused(query: query, message: error.description)
            }
        }
    }
}
