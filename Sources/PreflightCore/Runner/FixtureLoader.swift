import Mongo

/// Loads a scenario's fixtures into a fresh sandbox before every test and every `repeat`
/// iteration: the whole sandbox is dropped first, so nothing one test wrote is seen by the next.
enum FixtureLoader {
    /// Names the fixture, its file, and the document refused (a duplicate `_id`, a unique
    /// index, a validator): `failed at document 12 of 42 (_id "l-12")`.
    private static func failure(_ fixture: Fixture, _ error: MongoError, document: (index: Int, value: BSONDocument, count: Int)?) -> RunFailure {
        var message = "loading the fixture \"\(fixture.collection)\"" + (fixture.file.map { " (\($0))" } ?? "") + " failed"
        if let document {
            message += " at document \(document.index + 1) of \(document.count)" + (document.value["_id"].map { " (_id \($0.extendedJSON(.relaxed)))" } ?? "")
        }
        return RunFailure.errored(TestProblem(
            type: "fixture", message: message + ": \(error.message)", details: Failures.unexpected("fixtures.\(fixture.collection)", error).details))
    }

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
                    do {
                        try collection.insertMany(Array(documents[start..<end]))
                    } catch {
                        // `writeErrors[0].index` is the refused document's place in the batch.
                        let index = error.reply?["writeErrors"]?.arrayValue?.first?.documentValue?["index"]?.integerValue.map { start + Int($0) }
                        throw failure(fixture, error, document: index.flatMap { documents.indices.contains($0) ? ($0, documents[$0], documents.count) : nil })
                    }
                    start = end
                }
            } catch let error as MongoError {
                throw failure(fixture, error, document: nil)
            }
        }
    }
}
