import Mongo

/// Walks two states of a collection side by side in `_id` order, a batch at a time on
/// each side (a merge join), so comparing a million documents holds two batches in
/// memory, never a collection.
struct CollectionComparison {
    /// The state before, and the state to hold to it.
    let before: MongoCollection
    let after: MongoCollection
    let comparison: DocumentComparison
    /// Whether either side has a default collation of its own, which would sort string
    /// `_id`s by language: then the simple collation (bytes, as `BSONOrder` compares) is
    /// asked for. Only then, because SecantusDB reads `{locale: "simple"}` as a language
    /// collation (mongod does not) and would then sort `a` before `B`.
    var collated = false

    private var readOptions: BSONDocument {
        var options: BSONDocument = ["sort": ["_id": 1], "batchSize": 1_000]
        if collated { options["collation"] = ["locale": "simple"] }
        return options
    }

    /// Compares every document, adding each difference to `list` under `name`.
    /// - Returns: how many documents were read from the two sides together.
    /// - Throws: `MongoError` when a read fails, `OrderingProblem` when a side does not
    ///   ascend in the order this walk expects.
    @discardableResult
    func run(into list: inout DifferenceList, name: String) throws -> Int {
        try before.withFind([:], options: readOptions) { beforeCursor in
            try after.withFind([:], options: readOptions) { afterCursor in
                var left = Side(cursor: beforeCursor, collection: before)
                var right = Side(cursor: afterCursor, collection: after)
                try left.advance()
                try right.advance()
                while left.current != nil || right.current != nil {
                    switch (left.current, right.current) {
                    case (let old?, nil):
                        list.add(.missing(id: old.id), in: name)
                        try left.advance()
                    case (nil, let new?):
                        list.add(.extra(id: new.id), in: name)
                        try right.advance()
                    case (let old?, let new?):
                        let order = BSONOrder.compare(old.id, new.id)
                        if order < 0 {
                            list.add(.missing(id: old.id), in: name)
                            try left.advance()
                        } else if order > 0 {
                            list.add(.extra(id: new.id), in: name)
                            try right.advance()
                        } else {
                            let changes = comparison.differences(old.document, new.document)
                            if !changes.isEmpty { list.add(.changed(id: old.id, changes), in: name) }
                            try left.advance()
                            try right.advance()
                        }
                    case (nil, nil):
                        break
                    }
                }
                return left.read + right.read
            }
        }
    }

    /// One side of the walk: its cursor, the document it stands at, and a check that the
    /// server's order is the one the walk relies on.
    private struct Side {
        let cursor: MongoCursor
        let collection: MongoCollection
        var current: (id: BSON, document: BSONDocument)?
        var read = 0

        mutating func advance() throws {
            let previous = current?.id
            guard let document = try cursor.next() else {
                current = nil
                return
            }
            read += 1
            let id = document["_id"] ?? .null
            if let previous, BSONOrder.compare(previous, id) >= 0 {
                throw OrderingProblem(collection: "\(collection.database).\(collection.name)", previous: previous, next: id)
            }
            current = (id, document)
        }
    }
}
