import Mongo

/// The documents a capture has read, by collection, each kept once (by `_id`) in the
/// order it was first read: a document reached both by the filter and by a --follow is
/// one fixture document, not two with the same `_id`.
struct CapturedData {
    /// In the order first captured into; a collection a rule found nothing in is listed too.
    private(set) var collections: [String] = []
    private var documentsByCollection: [String: [BSONDocument]] = [:]
    private var ids: [String: Set<BSON>] = [:]
    private(set) var total = 0

    func documents(in collection: String) -> [BSONDocument] {
        documentsByCollection[collection] ?? []
    }

    /// Adds the documents not captured before.
    /// - Returns: how many were new.
    @discardableResult
    mutating func add(_ documents: [BSONDocument], to collection: String) -> Int {
        if documentsByCollection[collection] == nil {
            collections.append(collection)
            documentsByCollection[collection] = []
        }
        var added = 0
        for document in documents where ids[collection, default: []].insert(document["_id"] ?? .null).inserted {
            documentsByCollection[collection, default: []].append(document)
            added += 1
        }
        total += added
        return added
    }
}
