import Mongo

/// Operation steps: the arguments each action takes, and where a command may go.
extension StepParser {
    func operation(_ action: OperationAction, _ reader: FieldReader, scope: inout Set<String>) -> OperationStep? {
        let document = reader.document, path = reader.path
        if let keys = action.stepKeys {
            reader.allowOnly(keys, context: " for `\(action.rawValue)`")
        }
        let common = CommonKeys(document, action)
        if common.timeoutMS != nil && !action.acceptsTimeout {
            diagnostics.error(path.key("timeoutMS"), "`timeoutMS` is sent as the server's maxTimeMS, which only find, aggregate, count, estimatedDocumentCount, distinct, findOneAndUpdate, findOneAndReplace, findOneAndDelete and command steps take")
        }
        if common.timeoutMS != nil && common.hasMaxTimeMS {
            diagnostics.error(path.key("maxTimeMS"), "`timeoutMS` is sent as maxTimeMS: give one of the two")
        }
        for key in action.requiredKeys where document[key] == nil {
            diagnostics.error(path, "\"\(action.rawValue)\" needs \"\(key)\"")
        }
        var arguments = BSONDocument()
        var collection = ""
        var database: String?
        if action == .command {
            guard let command = reader.document("command"), let name = command.keys.first else {
                if document["command"]?.documentValue?.isEmpty == true {
                    diagnostics.error(path.key("command"), "expected the command document, got an empty object")
                }
                return nil
            }
            arguments = command
            database = reader.string("on")
            checkCommand(name, command, on: database, at: path)
            // `$db` in the body would override where the command goes; `on` is the way.
            for key in command.keys where key.hasPrefix("$") {
                diagnostics.error(path.key("command").key(key), "a command cannot carry `\(key)`: Preflight sends it to the sandbox, or with `on` to admin")
            }
            if let explained = command["explain"]?.documentValue?["pipeline"], Self.pipelineWrites(explained) {
                // The rewrite into the sandbox does not reach inside `explain`; a pipeline
                // that writes has no business there.
                diagnostics.error(path.key("command").key("explain").key("pipeline"), "an explained pipeline must not write ($out, $merge) or come from a variable")
            }
        } else {
            guard let name = reader.string(action.rawValue, required: true) else { return nil }
            collection = name
            arguments = common.arguments
            checkArgumentShapes(action, arguments, at: path)
            if context.live && !action.isRead {
                diagnostics.error(path.key(action.rawValue), "\"\(action.rawValue)\" writes, and a live scenario may only read (find, aggregate, count, distinct, listIndexes, read-only commands)")
            }
            if action == .aggregate, let pipeline = arguments["pipeline"]?.arrayValue {
                checkPipeline(pipeline, at: path.key("pipeline"))
            }
        }
        let argumentsHoldVariables = substitutions(in: .document(arguments), at: path, scope: scope, expectation: false)

        let expect = common.expect
        if let expect { checkExpectShape(action, expect, at: path.key("expect")) }
        let expectHoldsVariables = expect.map { expectation($0, at: path.key("expect"), scope: scope) } ?? false
        let expectError = common.expectError.flatMap { expectedError($0, at: path.key("expectError"), scope: scope) }
        if expectError?.result != nil, !ExpectedError.partialResultActions.contains(action) {
            diagnostics.error(
                path.key("expectError").key("result"),
                "only a write that can fail part-way reports a result with its error: \(ExpectedError.partialResultActions.map(\.rawValue).joined(separator: ", "))")
        }
        if expect != nil && common.expectError != nil {
            diagnostics.error(path, "a step has \"expect\" or \"expectError\", not both: an operation either succeeds or fails")
        }
        let save = common.save.flatMap { saveTarget($0, at: path.key("save")) }
        if let save {
            if common.expectError != nil {
                diagnostics.error(path.key("save"), "a step that expects an error has no result to save")
            }
            scope.formUnion(save.variables)
        }
        let timeoutMS = common.timeoutMS == nil ? nil : reader.integer("timeoutMS", in: 1...Int(Int32.max))
        var chosenReadPreference: ReadPreference?
        if let value = common.readPreference {
            let at = path.key("readPreference")
            if !context.live {
                diagnostics.error(at, Self.sandboxReadPreference)
            } else if !OperationStep.isReadOnly(action, arguments) {
                diagnostics.error(at, "a write always goes to the primary: only reads take a read preference")
            } else {
                chosenReadPreference = readPreference(value, at: at)
            }
        }
        return OperationStep(
            action: action, collection: collection, arguments: arguments, database: database, expect: expect,
            expectError: expectError, save: save, timeoutMS: timeoutMS, readPreference: chosenReadPreference,
            argumentsHoldVariables: argumentsHoldVariables, expectHoldsVariables: expectHoldsVariables)
    }

    /// The keys every operation step may carry (`OperationAction.commonKeys` and
    /// `readPreference`), and whether it writes `maxTimeMS`, found in one pass over the
    /// step, with the rest as its arguments: a file holds a step per operation, and one
    /// pass compares each key once, where a lookup per key compares it again for each.
    struct CommonKeys {
        var expect: BSON?
        var expectError: BSON?
        var save: BSON?
        var timeoutMS: BSON?
        var readPreference: BSON?
        var hasMaxTimeMS = false
        /// Every other key but the action's, in the step's order (for `createIndex` and
        /// `dropIndex`, `name` is the index's, so an argument); none for `command`, whose
        /// arguments are its command document.
        var arguments = BSONDocument()

        /// The keys taken out of the arguments; `SchemaTableTests` holds them to
        /// `OperationAction.commonKeys` and `readPreference`.
        static let keys = ["expect", "expectError", "save", "timeoutMS", "readPreference", "name"]

        init(_ document: BSONDocument, _ action: OperationAction) {
            let nameIsLabel = action.nameIsLabel
            let actionStart = action.rawValue.utf8.first
            let collectsArguments = action != .command
            if collectsArguments { arguments.reserveCapacity(document.count) }
            for (key, value) in document.elements {
                // By first letter before any comparison: most keys (`filter`, `document`,
                // `_id`) start with none of these, and a comparison of unequal strings is a call.
                let first = key.utf8.first
                if first.map({ Self.keyStarts[Int($0)] }) == true {
                    switch key {
                    case "expect": if expect == nil { expect = value }; continue
                    case "expectError": if expectError == nil { expectError = value }; continue
                    case "save": if save == nil { save = value }; continue
                    case "timeoutMS": if timeoutMS == nil { timeoutMS = value }; continue
                    case "readPreference": if readPreference == nil { readPreference = value }; continue
                    case "name" where nameIsLabel: continue
                    default: break
                    }
                }
                if first == actionStart, key == action.rawValue { continue }
                if first == UInt8(ascii: "m"), key == "maxTimeMS" { hasMaxTimeMS = true }
                if collectsArguments { arguments.append(key, value) }
            }
        }

        /// The first letters of `keys`: `e`, `s`, `t`, `r`, `n`.
        private static let keyStarts: [Bool] = (0..<256).map { byte in
            keys.contains { $0.utf8.first == UInt8(byte) }
        }
    }

    /// Where a `command` may go: the scenario's own database (the sandbox), or `admin` for
    /// a command that only reads. Anything else could touch a database Preflight did not create.
    func checkCommand(_ name: String, _ command: BSONDocument, on database: String?, at path: JSONPath) {
        let readOnly = OperationStep.isReadOnlyCommand(command)
        if context.live && !readOnly {
            diagnostics.error(path.key("command"), "the command \"\(name)\" may write, and a live scenario may only read; read-only commands: \(OperationAction.readOnlyCommands.sorted().joined(separator: ", "))")
        } else if !context.live && !OperationAction.sandboxCommands.contains(name) {
            diagnostics.error(path.key("command"), "the command \"\(name)\" may reach outside the sandbox, so a scenario cannot send it; allowed: \(OperationAction.sandboxCommands.sorted().joined(separator: ", "))")
        }
        if let database, database != context.logicalDatabase {
            if database == "admin" {
                if !readOnly {
                    diagnostics.error(path.key("on"), "only read-only commands may be sent to \"admin\"; \"\(name)\" is not one (use a \"failPoint\" step for fail points)")
                }
            } else {
                diagnostics.error(path.key("on"), "commands go to the scenario's database \"\(context.logicalDatabase)\" or to \"admin\"; \"\(database)\" is a database this scenario does not own")
            }
        }
        if let pipeline = command["pipeline"] {
            if let stages = pipeline.arrayValue {
                checkPipeline(stages, at: path.key("command").key("pipeline"))
            } else {
                diagnostics.error(path.key("command").key("pipeline"), "expected the pipeline as a JSON array of stages, got \(Diagnostics.describe(pipeline))")
            }
        }
    }

    /// Whether a pipeline may write: a `$out` or `$merge` stage, or anything that is not
    /// written out stage by stage (a variable could hold either).
    static func pipelineWrites(_ pipeline: BSON?) -> Bool {
        guard let pipeline else { return false }
        guard let stages = pipeline.arrayValue else { return true }
        return stages.contains { stage in
            guard let document = stage.documentValue else { return true }
            return document.keys.contains { $0 == "$out" || $0 == "$merge" || VariableName.isOperatorKey($0) }
        }
    }

    /// `$out` and `$merge` write: refused in live files, and kept inside the sandbox
    /// otherwise. A stage taken from a variable could be either, so it is refused.
    func checkPipeline(_ pipeline: [BSON], at path: JSONPath) {
        for (index, stage) in pipeline.enumerated() {
            if let operatorName = stage.documentValue?.keys.first(where: { VariableName.isOperatorKey($0) }) {
                diagnostics.error(path.index(index), "a pipeline stage cannot come from `\(operatorName)`: where a pipeline writes is checked before anything runs, so stages are written out")
                continue
            }
            guard let stage = stage.documentValue, let name = stage.keys.first, name == "$out" || name == "$merge" else { continue }
            if context.live {
                diagnostics.error(path.index(index), "\"\(name)\" writes, and a live scenario may only read")
                continue
            }
            let target = name == "$out" ? stage[name]?.documentValue : stage[name]?.documentValue?["into"]?.documentValue
            guard let database = target?["db"] else { continue }
            // Written out, so it can be checked here: a variable could name any database.
            guard let literal = database.stringValue else {
                diagnostics.error(path.index(index), "the database of \"\(name)\" must be written out as \"\(context.logicalDatabase)\" (the sandbox), not computed")
                continue
            }
            if literal != context.logicalDatabase {
                diagnostics.error(path.index(index), "\"\(name)\" into database \"\(literal)\" would write outside the scenario's sandbox")
            }
        }
    }

    func checkArgumentShapes(_ action: OperationAction, _ arguments: BSONDocument, at path: JSONPath) {
        // One pass over what the step wrote, in its order: a file has a step per operation,
        // and most steps hold two or three arguments.
        for (key, value) in arguments {
            switch key {
            case "key" where action == .distinct:
                if value.stringValue?.isEmpty != false {
                    diagnostics.error(path.key("key"), "expected the field name as a non-empty string, got \(Diagnostics.describe(value))")
                }
            case "filter", "document", "replacement", "sort", "projection", "collation", "let", "key", "options":
                if value.documentValue == nil {
                    diagnostics.error(path.key(key), "expected a JSON object, got \(Diagnostics.describe(value))")
                }
            case "pipeline", "arrayFilters", "requests", "documents":
                if value.arrayValue == nil {
                    diagnostics.error(path.key(key), "expected a JSON array, got \(Diagnostics.describe(value))")
                }
            case "upsert", "ordered", "allowDiskUse", "bypassDocumentValidation":
                if value.boolValue == nil {
                    diagnostics.error(path.key(key), "expected true or false, got \(Diagnostics.describe(value))")
                }
            case "skip", "limit", "batchSize", "maxTimeMS":
                if (value.integerValue ?? -1) < 0 {
                    diagnostics.error(path.key(key), "expected a whole number ≥ 0, got \(Diagnostics.describe(value))")
                }
            case "update":
                if value.documentValue == nil, value.arrayValue == nil {
                    diagnostics.error(path.key("update"), "expected an update document or a pipeline (array), got \(Diagnostics.describe(value))")
                }
            case "hint":
                if value.stringValue?.isEmpty != false, value.documentValue == nil {
                    diagnostics.error(path.key("hint"), "expected an index name or an index key pattern such as {\"status\": 1}, got \(Diagnostics.describe(value))")
                }
            default:
                break
            }
        }
        if let value = arguments["returnDocument"], !["before", "after"].contains(value.stringValue ?? "") {
            diagnostics.error(path.key("returnDocument"), "expected \"before\" or \"after\", got \(Diagnostics.describe(value))")
        }
        if let value = arguments["documents"]?.arrayValue {
            if value.isEmpty { diagnostics.error(path.key("documents"), "expected at least one document") }
            for (index, element) in value.enumerated() where element.documentValue == nil {
                diagnostics.error(path.key("documents").index(index), "expected a document, got \(Diagnostics.describe(element))")
            }
        }
        if let value = arguments["name"], action == .dropIndex, value.stringValue == nil {
            diagnostics.error(path.key("name"), "expected the index name, got \(Diagnostics.describe(value))")
        }
        if action == .bulkWrite, let requests = arguments["requests"]?.arrayValue {
            checkBulkRequests(requests, at: path.key("requests"))
        }
    }

    static let bulkRequestKinds: [String: (allowed: [String], required: [String])] = [
        "insertOne": (["document"], ["document"]),
        "updateOne": (["filter", "update", "upsert", "arrayFilters", "hint", "collation"], ["filter", "update"]),
        "updateMany": (["filter", "update", "upsert", "arrayFilters", "hint", "collation"], ["filter", "update"]),
        "replaceOne": (["filter", "replacement", "upsert", "hint", "collation"], ["filter", "replacement"]),
        "deleteOne": (["filter", "hint", "collation"], ["filter"]),
        "deleteMany": (["filter", "hint", "collation"], ["filter"]),
    ]

    func checkBulkRequests(_ requests: [BSON], at path: JSONPath) {
        if requests.isEmpty { diagnostics.error(path, "expected at least one request") }
        for (index, request) in requests.enumerated() {
            let requestPath = path.index(index)
            guard let document = request.documentValue, document.count == 1, let kind = document.keys.first else {
                diagnostics.error(requestPath, "expected one request such as {\"insertOne\": {\"document\": {…}}}, got \(Diagnostics.describe(request))")
                continue
            }
            guard let shape = Self.bulkRequestKinds[kind] else {
                diagnostics.error(requestPath.key(kind), Diagnostics.unknown("request", kind, among: Self.bulkRequestKinds.keys.sorted()))
                continue
            }
            guard let body = document[kind]?.documentValue else {
                diagnostics.error(requestPath.key(kind), "expected the request's arguments as a JSON object")
                continue
            }
            let reader = FieldReader(body, at: requestPath.key(kind), diagnostics)
            reader.allowOnly(shape.allowed, context: " for `\(kind)`")
            for key in shape.required where body[key] == nil {
                diagnostics.error(requestPath.key(kind), "\"\(kind)\" needs \"\(key)\"")
            }
        }
    }

    static let sandboxReadPreference =
        "a sandbox is written and read by the same test, and a read from a secondary may not see what the test just wrote: `readPreference` is for live files"

    /// `"secondaryPreferred"`, or `{"mode": …, "tagSets": [{…}], "maxStalenessSeconds": 90}`.
    func readPreference(_ value: BSON, at path: JSONPath) -> ReadPreference? {
        let modes = ReadPreference.Mode.allCases.map(\.rawValue)
        if let name = value.stringValue {
            guard let mode = ReadPreference.Mode(rawValue: name) else {
                diagnostics.error(path, Diagnostics.unknown("read preference mode", name, among: modes))
                return nil
            }
            return ReadPreference(mode: mode)
        }
        guard let document = value.documentValue else {
            diagnostics.error(path, "expected a mode such as \"secondaryPreferred\", or {\"mode\": …, \"tagSets\": […], \"maxStalenessSeconds\": …}, got \(Diagnostics.describe(value))")
            return nil
        }
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(["mode", "tagSets", "maxStalenessSeconds"], context: " for a read preference")
        guard let name = reader.string("mode", required: true) else { return nil }
        guard let mode = ReadPreference.Mode(rawValue: name) else {
            diagnostics.error(path.key("mode"), Diagnostics.unknown("read preference mode", name, among: modes))
            return nil
        }
        var tagSets: [BSONDocument] = []
        for (index, element) in (reader.array("tagSets") ?? []).enumerated() {
            guard let tags = element.documentValue, tags.values.allSatisfy({ $0.stringValue != nil }) else {
                diagnostics.error(path.key("tagSets").index(index), "expected a tag set such as {\"dc\": \"east\"} (tag values are strings), got \(Diagnostics.describe(element))")
                continue
            }
            tagSets.append(tags)
        }
        let staleness = reader.integer("maxStalenessSeconds", in: -1...Int(Int32.max))
        if let staleness, staleness != -1, staleness < 90 {
            diagnostics.error(path.key("maxStalenessSeconds"), "MongoDB takes at least 90 seconds (or -1 for no limit), got \(staleness)")
        }
        if mode == .primary && (tagSets.contains { !$0.isEmpty } || (staleness ?? -1) != -1) {
            diagnostics.error(path, "the primary mode takes no tag sets or maxStalenessSeconds: they choose among secondaries")
        }
        return ReadPreference(mode: mode, tagSets: tagSets, maxStalenessSeconds: staleness.flatMap { $0 == -1 ? nil : Int64($0) })
    }
}

extension ReadPreference {
    /// `--read-preference`: a mode (`secondaryPreferred`), or the object a file writes
    /// (`{"mode": "nearest", "tagSets": [{"dc": "east"}]}`); the problem, said as a
    /// sentence, when it is neither.
    public static func parse(argument text: String) -> Result<ReadPreference, ValidationError> {
        let value: BSON
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            do {
                value = .document(try ExtendedJSON.parseDocument(text))
            } catch {
                return .failure(ValidationError(file: "--read-preference", message: "not JSON: \(error.message)"))
            }
        } else {
            value = .string(text)
        }
        let diagnostics = Diagnostics(file: "--read-preference", sourceMap: nil)
        let parser = StepParser(diagnostics, context: StepParser.Context(
            live: true, logicalDatabase: "", failPointsDeclared: false, procedures: [:], checks: [], file: "--read-preference"))
        let parsed = parser.readPreference(value, at: .root)
        if let first = diagnostics.errors.first { return .failure(first) }
        return parsed.map { .success($0) } ?? .failure(ValidationError(file: "--read-preference", message: "not a read preference"))
    }
}

extension StepParser {
    /// An `expect` whose shape the action's result can never have: `"3"` for a count, a
    /// single document for a `find`. It would fail every run, far from the typo; a
    /// matcher (`{"$$unordered": …}`, `{"$$var": …}`) is left to the run.
    func checkExpectShape(_ action: OperationAction, _ expect: BSON, at path: JSONPath) {
        if case .document(let document) = expect, let first = document.elements.first?.key, VariableName.isOperatorKey(first) { return }
        let problem: String
        switch action {
        case .find, .aggregate, .distinct, .listIndexes:
            if case .array = expect { return }
            problem = "`\(action.rawValue)` returns \(action == .distinct ? "the values" : "the documents") as an array: write `expect` as [ … ] (or a matcher such as {\"$$unordered\": [ … ]})"
        case .count, .estimatedDocumentCount:
            switch expect {
            case .int32, .int64, .double: return
            // A count is an integer, which a Decimal128 never equals.
            default: break
            }
            problem = "`\(action.rawValue)` returns a number: write `expect` as a number such as 3, not \(Redaction.redact(expect).extendedJSON(.relaxed).prefix(60))"
        case .insertOne, .insertMany, .updateOne, .updateMany, .replaceOne, .deleteOne, .deleteMany, .bulkWrite, .createIndex, .dropIndex,
            .drop, .createCollection, .command:
            if case .document = expect { return }
            problem = "`\(action.rawValue)` returns \(Self.resultExample(action)): write `expect` as an object"
        case .findOneAndUpdate, .findOneAndReplace, .findOneAndDelete:
            switch expect {
            case .document, .null: return
            default: problem = "`\(action.rawValue)` returns the document, or null: write `expect` as an object or null"
            }
        }
        diagnostics.error(path, problem)
    }

    private static func resultExample(_ action: OperationAction) -> String {
        switch action {
        case .insertOne: "a result document such as {\"insertedId\": …}"
        case .insertMany: "a result document such as {\"insertedCount\": 2}"
        case .deleteOne, .deleteMany: "a result document such as {\"deletedCount\": 1}"
        case .bulkWrite: "a result document such as {\"insertedCount\": 1, \"modifiedCount\": 1}"
        case .createIndex: "the index's name as {\"name\": …}"
        case .dropIndex, .drop, .createCollection: "an empty document"
        case .command: "the server's reply, a document"
        default: "a result document such as {\"matchedCount\": 1, \"modifiedCount\": 1}"
        }
    }
}
