import Mongo

/// A collection loaded before every test: dropped, created with `options`, indexed, filled.
public struct Fixture: Sendable {
    public var collection: String
    public var documents: [BSONDocument]
    /// Each `{key: {...}, name?, unique?, …}`.
    public var indexes: [BSONDocument]
    /// `create` options, e.g. a `validator`.
    public var options: BSONDocument
    /// Whether documents hold `$$now`, `$$newObjectId` or `$$var`, replaced before each test.
    public var substitutes: Bool
    /// The file the documents were read from (`"file": …`), for a message about one of them.
    public var file: String? = nil
}
