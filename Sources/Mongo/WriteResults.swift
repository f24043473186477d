/// What `insertOne` reports.
public struct InsertOneResult: Sendable, Equatable {
    public var insertedID: BSON
}

/// What `insertMany` reports; ids in the order of the documents given.
public struct InsertManyResult: Sendable, Equatable {
    public var insertedIDs: [BSON]
    public var insertedCount: Int64
}

/// What `updateOne`, `updateMany` and `replaceOne` report.
public struct UpdateResult: Sendable, Equatable {
    public var matchedCount: Int64
    public var modifiedCount: Int64
    public var upsertedCount: Int64
    public var upsertedID: BSON?

    public init(reply: BSONDocument) {
        matchedCount = reply["matchedCount"]?.integerValue ?? 0
        modifiedCount = reply["modifiedCount"]?.integerValue ?? 0
        upsertedCount = reply["upsertedCount"]?.integerValue ?? 0
        upsertedID = reply["upsertedId"]
    }
}

/// What `deleteOne` and `deleteMany` report.
public struct DeleteResult: Sendable, Equatable {
    public var deletedCount: Int64
}

/// What `bulkWrite` reports; `upsertedIDs` maps a request's index to its new `_id`.
public struct BulkWriteResult: Sendable, Equatable {
    public var insertedCount: Int64
    public var matchedCount: Int64
    public var modifiedCount: Int64
    public var deletedCount: Int64
    public var upsertedCount: Int64
    public var upsertedIDs: [Int: BSON]

    public init(reply: BSONDocument) {
        insertedCount = reply["nInserted"]?.integerValue ?? 0
        matchedCount = reply["nMatched"]?.integerValue ?? 0
        modifiedCount = reply["nModified"]?.integerValue ?? 0
        deletedCount = reply["nRemoved"]?.integerValue ?? 0
        upsertedCount = reply["nUpserted"]?.integerValue ?? 0
        var ids: [Int: BSON] = [:]
        for entry in reply["upserted"]?.arrayValue ?? [] {
            if let document = entry.documentValue, let index = document["index"]?.integerValue,
                let id = document["_id"]
            {
                ids[Int(index)] = id
            }
        }
        upsertedIDs = ids
    }
}

/// One request of a `bulkWrite`, with the same arguments as the single operations.
public enum WriteModel: Sendable {
    case insertOne(document: BSONDocument)
    case updateOne(filter: BSONDocument, update: BSON, options: BSONDocument = [:])
    case updateMany(filter: BSONDocument, update: BSON, options: BSONDocument = [:])
    case replaceOne(filter: BSONDocument, replacement: BSONDocument, options: BSONDocument = [:])
    case deleteOne(filter: BSONDocument, options: BSONDocument = [:])
    case deleteMany(filter: BSONDocument, options: BSONDocument = [:])
}

/// Which document `findOneAndUpdate` / `findOneAndReplace` return.
public enum ReturnDocument: Sendable {
    case before
    case after
}
