import Mongo

/// The differences between two `DatabaseState`s that are not about documents: collections
/// that came or went, document counts, collection options and indexes.
enum StateComparison {
    /// Collections created or dropped between the two states.
    /// - Parameter created: collections allowed to appear (declared `created`).
    static func collections(_ before: DatabaseState, _ after: DatabaseState, phase: String, created: Set<String> = [], into list: inout DifferenceList) {
        for collection in before.collections where after.collection(collection.name) == nil {
            list.add("\(collection.name): the collection is gone \(phase) (it held \(documents(collection.count)))")
        }
        for collection in after.collections where before.collection(collection.name) == nil && !created.contains(collection.name) {
            list.add("\(collection.name): a new collection \(phase), with \(documents(collection.count))")
        }
    }

    /// Document counts of the collections in both states.
    static func counts(_ before: DatabaseState, _ after: DatabaseState, phase: String, into list: inout DifferenceList) {
        for old in before.collections {
            guard let new = after.collection(old.name), new.count != old.count else { continue }
            list.add("\(old.name): \(documents(old.count)) before, \(new.count) \(phase)")
        }
    }

    /// Options and indexes of the collections in both states; an index is named by its
    /// name and compared by everything the server reports for it but its version.
    static func structure(_ before: DatabaseState, _ after: DatabaseState, phase: String, into list: inout DifferenceList) {
        for old in before.collections {
            guard let new = after.collection(old.name) else { continue }
            if !old.options.isIdentical(to: new.options) {
                list.add("\(old.name): collection options changed from \(show(old.options)) to \(show(new.options))")
            }
            let oldIndexes = Dictionary(old.indexes.map { (name(of: $0), comparable($0)) }, uniquingKeysWith: { first, _ in first })
            let newIndexes = Dictionary(new.indexes.map { (name(of: $0), comparable($0)) }, uniquingKeysWith: { first, _ in first })
            for (indexName, spec) in oldIndexes.sorted(by: { $0.key < $1.key }) {
                guard let other = newIndexes[indexName] else {
                    list.add("\(old.name): index \(indexName) is missing \(phase) (it was \(show(spec)))")
                    continue
                }
                if !other.isIdentical(to: spec) {
                    list.add("\(old.name): index \(indexName) changed from \(show(spec)) to \(show(other))")
                }
            }
            for (indexName, spec) in newIndexes.sorted(by: { $0.key < $1.key }) where oldIndexes[indexName] == nil {
                list.add("\(old.name): index \(indexName) is new \(phase) (\(show(spec)))")
            }
        }
    }

    private static func name(of index: BSONDocument) -> String {
        index["name"]?.stringValue ?? index["key"].map { $0.extendedJSON(.relaxed) } ?? "?"
    }

    /// The index as the server described it, less what says nothing about the index:
    /// its format version and, on older servers, its namespace.
    private static func comparable(_ index: BSONDocument) -> BSONDocument {
        var index = index
        index["v"] = nil
        index["ns"] = nil
        return BSONDocument(index.elements.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    private static func show(_ document: BSONDocument) -> String {
        Redaction.redact(.document(document)).extendedJSON(.relaxed).clipped(to: 200)
    }

    private static func documents(_ count: Int64) -> String {
        "\(count) document\(count == 1 ? "" : "s")"
    }
}
