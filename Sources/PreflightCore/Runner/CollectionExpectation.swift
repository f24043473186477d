import Mongo

/// `expectCollections`: each collection, read in `_id` order, holds exactly the documents
/// listed; in the exact form, with no root field the expectation does not name.
enum CollectionExpectation {
    static func check(
        _ expectations: [(collection: String, documents: [BSON], exact: Bool)], in database: String, client: MongoClient, scope: VariableScope
    ) throws {
        for (name, written, exact) in expectations {
            let expected = try Substitution.apply(.array(written), scope).arrayValue ?? written
            let actual: [BSONDocument]
            do {
                actual = try client.collection(name, in: database).find([:], options: ["sort": ["_id": 1]])
            } catch {
                throw RunFailure.errored(Failures.unexpected("expectCollections.\(name)", error))
            }
            let title = "expectCollections"
            if actual.count != expected.count {
                let mismatch = Mismatch(path: name, message: "expected \(expected.count) document\(expected.count == 1 ? "" : "s"), found \(actual.count)")
                throw RunFailure.failed(Failures.mismatch(title, mismatch, expected: .array(expected), actual: .array(actual.map(BSON.document))))
            }
            for (index, document) in actual.enumerated() {
                if let mismatch = Matcher().match(expected[index], .document(document), root: !exact, path: "\(name)[\(index)]") {
                    throw RunFailure.failed(Failures.mismatch(title, mismatch, expected: expected[index], actual: .document(document)))
                }
            }
        }
    }
}
