import Mongo

/// Sends one operation step to the server and shapes its result the way `expect` and
/// `save` see it (the README's “Scenario files” table).
struct OperationExecutor {
    let client: MongoClient
    let session: ClientSession?
    /// The database the step's collection lives in: the sandbox, or the live database.
    let database: String
    /// The scenario's logical database name, which `command … on` may use for the sandbox.
    let logicalDatabase: String
    /// A live scenario's step, on the real database: nothing may write.
    let live: Bool
    /// Where reads go unless the step says: the command line's, else the file's; nil for
    /// the connection string's (else the primary).
    var readPreference: ReadPreference? = nil

    /// - Parameter arguments: the step's arguments with variables already substituted.
    /// - Returns: the result, and whether its documents are root-level for matching.
    func execute(_ step: OperationStep, arguments: BSONDocument) throws(MongoError) -> (result: BSON, rootLevel: Bool) {
        let readPreference = step.action.takesReadPreference ? step.readPreference ?? self.readPreference : nil
        let collection = client.collection(step.collection, in: database, readPreference: readPreference)
        let filter = arguments["filter"]?.documentValue ?? [:]
        // Every option the table names for the action, in the order the step wrote them:
        // passed through as the server's command fields.
        let optionKeys = step.action.optionKeys
        var options = BSONDocument(arguments.elements.filter { optionKeys.contains($0.key) }.map { ($0.key, $0.value) })
        if let timeout = step.timeoutMS, step.action.acceptsTimeout { options["maxTimeMS"] = .int64(Int64(timeout)) }

        switch step.action {
        case .insertOne:
            let result = try collection.insertOne(arguments["document"]?.documentValue ?? [:], options: options, session: session)
            return (["insertedId": result.insertedID], true)
        case .insertMany:
            let documents = (arguments["documents"]?.arrayValue ?? []).compactMap(\.documentValue)
            let result = try collection.insertMany(documents, options: options, session: session)
            return (["insertedIds": .array(result.insertedIDs), "insertedCount": .int64(result.insertedCount)], true)
        case .updateOne, .updateMany, .replaceOne:
            let update = step.action == .replaceOne ? arguments["replacement"] ?? [:] : arguments["update"] ?? [:]
            if options["sort"] != nil {
                // libmongoc 1.23 has no `sort` for single updates (MongoDB 8.0): the update
                // command is sent as it is, the statement carrying the sort.
                return (.document(try updateCommand(step, filter: filter, update: update, options: options)), true)
            }
            let result = switch step.action {
            case .updateOne: try collection.updateOne(filter: filter, update: update, options: options, session: session)
            case .updateMany: try collection.updateMany(filter: filter, update: update, options: options, session: session)
            default: try collection.replaceOne(filter: filter, replacement: update.documentValue ?? [:], options: options, session: session)
            }
            return (.document(Self.document(result)), true)
        case .deleteOne, .deleteMany:
            let result = step.action == .deleteOne
                ? try collection.deleteOne(filter: filter, options: options, session: session)
                : try collection.deleteMany(filter: filter, options: options, session: session)
            return (["deletedCount": .int64(result.deletedCount)], true)
        case .findOneAndUpdate, .findOneAndReplace, .findOneAndDelete:
            return (try findAndModify(step.action, collection, filter: filter, arguments, extra: options).map(BSON.document) ?? .null, true)
        case .find:
            return (.array(try collection.find(filter, options: options, session: session).map(BSON.document)), true)
        case .aggregate:
            let pipeline = try sandboxed(arguments["pipeline"]?.arrayValue ?? [])
            return (.array(try collection.aggregate(pipeline, options: options, session: session).map(BSON.document)), true)
        case .count:
            return (.int64(try collection.countDocuments(filter, options: options, session: session)), false)
        case .estimatedDocumentCount:
            return (.int64(try collection.estimatedDocumentCount(options: options, session: session)), false)
        case .distinct:
            var command: BSONDocument = ["distinct": .string(step.collection), "key": arguments["key"] ?? "", "query": .document(filter)]
            for (key, value) in options { command[key] = value }
            let reply = try send(command, on: database, readPreference: readPreference)
            return (.array(reply["values"]?.arrayValue ?? []), false)
        case .bulkWrite:
            let requests = (arguments["requests"]?.arrayValue ?? []).compactMap(Self.writeModel)
            return (.document(Self.document(try collection.bulkWrite(requests, options: options, session: session))), true)
        case .createIndex:
            var indexOptions = arguments
            indexOptions["key"] = nil
            let name = try collection.createIndex(arguments["key"]?.documentValue ?? [:], options: indexOptions, session: session)
            return (["name": .string(name)], true)
        case .dropIndex:
            try collection.dropIndex(arguments["name"]?.stringValue ?? "", session: session)
            return ([:], true)
        case .listIndexes:
            return (.array(try collection.listIndexes(session: session).map(BSON.document)), true)
        case .drop:
            try collection.drop(session: session)
            return ([:], true)
        case .createCollection:
            try collection.create(options: arguments["options"]?.documentValue ?? [:], session: session)
            return ([:], true)
        case .command:
            var command = arguments
            if let timeout = step.timeoutMS, command["maxTimeMS"] == nil { command["maxTimeMS"] = .int64(Int64(timeout)) }
            if let pipeline = command["pipeline"]?.arrayValue { command["pipeline"] = .array(try sandboxed(pipeline)) }
            // The logical name means the sandbox; anything else was checked at load time.
            let target = step.database.map { $0 == logicalDatabase ? database : $0 } ?? database
            // Only a read-only command has a read preference (checked at load time).
            let reply = try send(command, on: target, readPreference: readPreference)
            if let failure = Self.writeFailure(in: reply) { throw failure }
            return (.document(reply), true)
        }
    }

    /// The pipeline with `$out` / `$merge` into the scenario's logical database sent to
    /// the sandbox instead: the logical name is the real database on a live server.
    /// (A stage naming any other database was refused when the file was loaded; the
    /// guard below holds even so.)
    private func sandboxed(_ pipeline: [BSON]) throws(MongoError) -> [BSON] {
        let rewritten = rewrite(pipeline)
        for stage in rewritten {
            guard let document = stage.documentValue, let name = document.keys.first, name == "$out" || name == "$merge" else { continue }
            // On the live database nothing may write, whatever the target.
            if live {
                throw MongoError(kind: .client, message: "\(name) writes, and this step runs on the live database \(database); Preflight did not send it.")
            }
            let target = name == "$out" ? document[name]?.documentValue : document[name]?.documentValue?["into"]?.documentValue
            if let database = target?["db"], database != .string(self.database) {
                throw MongoError(kind: .client, message: "\(name) into \(database.extendedJSON(.relaxed)) would write outside the sandbox \(self.database); Preflight did not send it.")
            }
        }
        return rewritten
    }

    private func rewrite(_ pipeline: [BSON]) -> [BSON] {
        guard !live else { return pipeline }
        return pipeline.map { stage in
            guard var document = stage.documentValue, let name = document.keys.first, name == "$out" || name == "$merge" else {
                return stage
            }
            switch (name, document[name]) {
            case ("$out", .document(var target)) where target["db"]?.stringValue == logicalDatabase:
                target["db"] = .string(database)
                document[name] = .document(target)
            case ("$merge", .document(var merge)):
                guard case .document(var into)? = merge["into"], into["db"]?.stringValue == logicalDatabase else { return stage }
                into["db"] = .string(database)
                merge["into"] = .document(into)
                document[name] = .document(merge)
            default:
                return stage
            }
            return .document(document)
        }
    }

    /// A write command answers `ok: 1` even when its writes failed; the failures are in
    /// `writeErrors` / `writeConcernError`. Reported as the failed write they are, like
    /// the same write sent through `insertOne`.
    static func writeFailure(in reply: BSONDocument) -> MongoError? {
        if let first = reply["writeErrors"]?.arrayValue?.first?.documentValue {
            return MongoError(
                kind: .write, code: first["code"]?.integerValue.map { Int32(clamping: $0) },
                codeName: first["codeName"]?.stringValue, message: first["errmsg"]?.stringValue ?? "write error",
                reply: reply)
        }
        if let concern = reply["writeConcernError"]?.documentValue {
            return MongoError(
                kind: .writeConcern, code: concern["code"]?.integerValue.map { Int32(clamping: $0) },
                codeName: concern["codeName"]?.stringValue, message: concern["errmsg"]?.stringValue ?? "write concern error",
                labels: reply["errorLabels"]?.arrayValue?.compactMap(\.stringValue) ?? [], reply: reply)
        }
        return nil
    }

    private func findAndModify(
        _ action: OperationAction, _ collection: MongoCollection, filter: BSONDocument, _ arguments: BSONDocument, extra: BSONDocument
    ) throws(MongoError) -> BSONDocument? {
        let sort = arguments["sort"]?.documentValue
        let projection = arguments["projection"]?.documentValue
        let upsert = arguments["upsert"]?.boolValue ?? false
        let returnDocument: ReturnDocument = arguments["returnDocument"]?.stringValue == "after" ? .after : .before
        switch action {
        case .findOneAndUpdate:
            return try collection.findOneAndUpdate(
                filter: filter, update: arguments["update"] ?? [:], sort: sort, projection: projection, upsert: upsert,
                returnDocument: returnDocument, extra: extra, session: session)
        case .findOneAndReplace:
            return try collection.findOneAndReplace(
                filter: filter, replacement: arguments["replacement"]?.documentValue ?? [:], sort: sort,
                projection: projection, upsert: upsert, returnDocument: returnDocument, extra: extra, session: session)
        default:
            return try collection.findOneAndDelete(filter: filter, sort: sort, projection: projection, extra: extra, session: session)
        }
    }

    /// A command sent as written; as a read on the member `readPreference` chooses, when given.
    private func send(_ command: BSONDocument, on target: String, readPreference: ReadPreference?) throws(MongoError) -> BSONDocument {
        guard let readPreference else { return try client.runCommand(command, on: target, session: session) }
        return try client.runReadCommand(command, on: target, readPreference: readPreference, session: session)
    }

    /// `updateOne` / `replaceOne` with `sort`, as the `update` command: the statement takes
    /// the per-update fields, the command the rest, each in the order written.
    private func updateCommand(_ step: OperationStep, filter: BSONDocument, update: BSON, options: BSONDocument) throws(MongoError) -> BSONDocument {
        let statementKeys: Set<String> = ["upsert", "arrayFilters", "hint", "collation", "sort"]
        var statement: BSONDocument = ["q": .document(filter), "u": update]
        var command: BSONDocument = ["update": .string(step.collection)]
        for (key, value) in options {
            if statementKeys.contains(key) { statement.append(key, value) } else { command.append(key, value) }
        }
        statement.append("multi", false)
        command["updates"] = .array([.document(statement)])
        let reply = try client.runCommand(command, on: database, session: session)
        if let failure = Self.writeFailure(in: reply) { throw failure }
        return Self.updateResult(commandReply: reply)
    }

    /// An update's result from the `update` command's own reply (`n`, `nModified`,
    /// `upserted`), as `updateOne` reports it.
    static func updateResult(commandReply reply: BSONDocument) -> BSONDocument {
        let upserted = reply["upserted"]?.arrayValue ?? []
        let matched = (reply["n"]?.integerValue ?? 0) - Int64(upserted.count)
        var result: BSONDocument = [
            "matchedCount": .int64(matched), "modifiedCount": .int64(reply["nModified"]?.integerValue ?? 0),
            "upsertedCount": .int64(Int64(upserted.count)),
        ]
        if let id = upserted.first?.documentValue?["_id"] { result["upsertedId"] = id }
        return result
    }

    /// A bulk write's result as `expect` and `save` see it.
    static func document(_ result: BulkWriteResult) -> BSONDocument {
        var upserted = BSONDocument()
        for (index, id) in result.upsertedIDs.sorted(by: { $0.key < $1.key }) { upserted.append(String(index), id) }
        return [
            "insertedCount": .int64(result.insertedCount), "matchedCount": .int64(result.matchedCount),
            "modifiedCount": .int64(result.modifiedCount), "deletedCount": .int64(result.deletedCount),
            "upsertedCount": .int64(result.upsertedCount), "upsertedIds": .document(upserted),
        ]
    }

    private static func copy(_ keys: [String], from source: BSONDocument, into target: inout BSONDocument) {
        for key in keys {
            if let value = source[key] { target[key] = value }
        }
    }

    static func document(_ result: UpdateResult) -> BSONDocument {
        var document: BSONDocument = [
            "matchedCount": .int64(result.matchedCount), "modifiedCount": .int64(result.modifiedCount),
            "upsertedCount": .int64(result.upsertedCount),
        ]
        if let id = result.upsertedID { document["upsertedId"] = id }
        return document
    }

    /// One `bulkWrite` request, already checked at load time.
    static func writeModel(_ request: BSON) -> WriteModel? {
        guard let document = request.documentValue, let kind = document.keys.first,
            let body = document[kind]?.documentValue
        else { return nil }
        let filter = body["filter"]?.documentValue ?? [:]
        var options = BSONDocument()
        copy(["upsert", "arrayFilters", "hint", "collation"], from: body, into: &options)
        switch kind {
        case "insertOne": return .insertOne(document: body["document"]?.documentValue ?? [:])
        case "updateOne": return .updateOne(filter: filter, update: body["update"] ?? [:], options: options)
        case "updateMany": return .updateMany(filter: filter, update: body["update"] ?? [:], options: options)
        case "replaceOne": return .replaceOne(filter: filter, replacement: body["replacement"]?.documentValue ?? [:], options: options)
        case "deleteOne": return .deleteOne(filter: filter, options: options)
        case "deleteMany": return .deleteMany(filter: filter, options: options)
        default: return nil
        }
    }
}
