import Mongo

/// Streams documents from a cursor into a collection, a batch of `batchSize` at a time:
/// memory holds one batch, whatever the size of the collection.
struct DocumentCopy {
    static let batchSize = 1_000

    let target: MongoCollection
    /// `_id`s already written, for sources that may repeat a document (`$sample` may);
    /// nil when the source cannot.
    var seen: Set<BSON>?
    private(set) var written = 0
    private(set) var repeated = 0
    private var batch: [BSONDocument] = []

    init(into target: MongoCollection, skippingRepeats: Bool = false) {
        self.target = target
        seen = skippingRepeats ? [] : nil
    }

    /// Copies every document `cursor` has left.
    mutating func copy(_ cursor: MongoCursor) throws(MongoError) {
        while let document = try cursor.next() {
            try add(document)
        }
        try flush()
    }

    mutating func add(_ document: BSONDocument) throws(MongoError) {
        if seen != nil, let id = document["_id"], seen?.insert(id).inserted == false {
            repeated += 1
            return
        }
        batch.append(document)
        if batch.count >= Self.batchSize { try flush() }
    }

    mutating func flush() throws(MongoError) {
        guard !batch.isEmpty else { return }
        // Copied and restored as they are: a document written before the collection's
        // validator is kept, as production keeps it (the copy gets the validator after).
        try target.insertMany(batch, options: ["bypassDocumentValidation": true])
        written += batch.count
        batch.removeAll(keepingCapacity: true)
    }
}
