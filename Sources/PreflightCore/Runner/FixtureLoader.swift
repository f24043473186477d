import Mongo

/// Loads a scenario's fixtures into a fresh sandbox before every test and every `repeat`
/// iteration: the whole sandbox is dropped first, so nothing one test wrote is seen by the next.
enum FixtureLoader {
    static func load(_ fixtures: [Fixture], into database: String, client: MongoClient, scope: VariableScope) throws {
        do {
            try client.dropDatabase(database)
        } catch {
            throw RunFailure.errored(Failures.unexpected("emptying the sandbox \(database) before the test", error))
        }
        for fixture in fixtures {
            do {
                let collection = client.collection(fixture.collection, in: database)
                try collection.create(options: fixture.options)
                for index in fixture.indexes {
                    var options = index
                    options["key"] = nil
                    try collection.createIndex(index["key"]?.documentValue ?? [:], options: options)
                }
                var documents = fixture.documents
                if fixture.substitutes {
                    documents = try documents.map { try Substitution.document($0, scope) }
                }
                // In batches, so a large fixture file never becomes one oversized message.
                var start = 0
                while start < documents.count {
                    let end = min(start + 1_000, documents.count)
                    try collection.insertMany(Array(documents[start..<end]))
                    start = end
                }
            } catch let error as MongoError {
                throw RunFailure.errored(TestProblem(
                    type: "fixture", message: "loading the fixture \"\(fixture.collection)\" failed: \(error.message)",
                    details: Failures.unexpected("fixtures.\(fixture.collection)", error).details))
            }
        }
    }
}

/// `expectCollections`: each collection, read in `_id` order, holds exactly the documents listed.
enum CollectionExpectation {
    static func check(
        _ expectations: [(collection: String, documents: [BSON])], in database: String, client: MongoClient, scope: VariableScope
    ) throws {
        for (name, written) in expectations {
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
                if let mismatch = Matcher().match(expected[index], .document(document), root: true, path: "\(name)[\(index)]") {
                    throw RunFailure.failed(Failures.mismatch(title, mismatch, expected: expected[index], actual: .document(document)))
                }
            }
        }
    }
}
