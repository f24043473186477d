import Mongo

extension MigrationVerification {
    /// Fills the sandbox from the migration's source.
    /// - Returns: a line saying where the documents came from.
    /// - Throws: `RunFailure` for fixtures that do not load, `MongoError` for reads and writes.
    func loadData() throws -> String {
        let scope = VariableScope(values: Dictionary(migration.vars.elements.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
        switch source {
        case .fixtures:
            guard !migration.fixtures.isEmpty else {
                throw RunFailure.errored(TestProblem(
                    type: "data",
                    message: "the migration has no fixtures to verify it on; give it \"fixtures\", or draw documents from a server with --sample-from or --copy-from"))
            }
            try FixtureLoader.load(migration.fixtures, into: sandbox, client: client, scope: scope)
            return "data: the migration's fixtures (" + migration.fixtures.map { "\($0.collection) \($0.documents.count)" }.joined(separator: ", ") + ")"
        case .sample(let reader, let size):
            return try loadFromSource(reader, scope: scope, what: "\(size) drawn at random from each of") { collection, database, target in
                try reader.sample(collection, in: database, size: size, into: target)
            }
        case .copy(let reader):
            return try loadFromSource(reader, scope: scope, what: "every document of") { collection, database, target in
                try reader.copyAll(collection, in: database, into: target)
            }
        }
    }

    /// The collections `changes` names come from the source, created first with the
    /// source's options and indexes (so a unique index refuses in the copy what it would
    /// refuse in production) and the indexes the migration's fixture for them declares on
    /// other keys, their validator applied once the documents are in (`CollectionShape`);
    /// a collection the source lacks, or whose shape it may not list, takes the fixture's.
    /// The other fixtures load as they are.
    private func loadFromSource(
        _ reader: SourceReader, scope: VariableScope, what: String, _ read: (String, String, MongoCollection) throws -> Int
    ) throws -> String {
        let database = reader.database(for: migration)
        let sourced = migration.changes.filter { !$0.created }.map(\.collection)
        let others = migration.fixtures.filter { !sourced.contains($0.collection) }
        try FixtureLoader.load(others, into: sandbox, client: client, scope: scope)
        var counts: [String] = []
        var total = 0
        var said: [String] = []
        for collection in sourced {
            let target = client.collection(collection, in: sandbox)
            let fixture = migration.fixtures.first { $0.collection == collection }
            var shape: CollectionShape?
            do {
                shape = try reader.shape(of: collection, in: database)
            } catch let error as MongoError where error.code == 13 || error.code == 8000 {
                // A role that may only find (13 Unauthorized; 8000 on Atlas's shared tiers):
                // the copy is made as it was before shapes were read. The server's message
                // quotes the whole refused command; its code says enough.
                said.append("\(collection): the source's user may not list its options and indexes (code \(error.code ?? 0)); the copy has its fixture's, if any")
            }
            shape = shape ?? fixture.map { CollectionShape(options: $0.options, indexes: []) }
            said += try shape?.create(target, adding: fixture?.indexes ?? []) ?? []
            let written = try read(collection, database, target)
            try shape?.validate(target, client: client)
            total += written
            counts.append("\(collection) \(written)")
        }
        if total == 0 && !sourced.isEmpty {
            // A mistyped database reads as empty: verified on nothing, every check would pass.
            throw RunFailure.errored(TestProblem(
                type: "data",
                message: "there is nothing to verify the migration on: \(database) on \(reader.redactedURI) has no documents in \(sourced.joined(separator: ", ")) (is the database right? migrate verify's --source-database, or the gate's --database or URI, names another)"))
        }
        let commands = reader.commandsSent.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var line = "data: \(what) \(sourced.joined(separator: ", ")) in \(database) on \(reader.redactedURI) (\(counts.joined(separator: ", ")))"
        if !others.isEmpty { line += "; " + others.map(\.collection).joined(separator: ", ") + " from the fixtures" }
        return ([line] + said).joined(separator: "\n") + "\ncommands sent to the source so far (reads only): \(commands)"
    }
}
