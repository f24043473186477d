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
