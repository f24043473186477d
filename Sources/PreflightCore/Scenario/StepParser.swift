import Mongo

/// Reads and validates steps: exactly one action each, the arguments that action takes,
/// variables that exist where they are used, and live mode's read-only rule.
final class StepParser {
    /// What the steps of one file may refer to.
    struct Context {
        var live: Bool
        var logicalDatabase: String
        var failPointsDeclared: Bool
        /// Procedure name → parameters.
        var procedures: [String: [String]]
        var checks: Set<String>
        var file: String
        /// Procedures that run a transaction or `parallel`, directly or through `run`.
        var transactionalProcedures: Set<String> = []
    }

    static let controlKeys = ["run", "forEach", "repeat", "parallel", "transaction", "failPoint", "compat", "sleep", "expectVar", "check"]
    static let actionKeys = OperationAction.allCases.map(\.rawValue) + controlKeys
    static let substitutionOperators = ["$$var", "$$now", "$$newObjectId"]

    let diagnostics: Diagnostics
    var context: Context

    init(_ diagnostics: Diagnostics, context: Context) {
        self.diagnostics = diagnostics
        self.context = context
    }

    // MARK: Steps

    func steps(_ value: BSON?, at path: JSONPath, scope: inout Set<String>) -> [Step] {
        guard let value else { return [] }
        guard let array = value.arrayValue else {
            diagnostics.error(path, "expected an array of steps, got \(Diagnostics.describe(value))")
            return []
        }
        var steps: [Step] = []
        for (index, element) in array.enumerated() {
            let stepPath = path.index(index)
            guard let document = element.documentValue else {
                diagnostics.error(stepPath, "expected a step (a JSON object with one action), got \(Diagnostics.describe(element))")
                continue
            }
            if let step = step(document, at: stepPath, scope: &scope) { steps.append(step) }
        }
        return steps
    }

    func step(_ document: BSONDocument, at path: JSONPath, scope: inout Set<String>) -> Step? {
        let actions = document.keys.filter { Self.actionKeys.contains($0) }
        guard let action = actions.first else {
            // Keys every step may carry (`expect`, `name`) are not misspelt actions.
            let guess = document.keys.lazy.filter { !OperationAction.commonKeys.contains($0) }
                .compactMap { NearestName.suggestion(for: $0, among: Self.actionKeys) }.first
            let known = document.keys.first { !OperationAction.commonKeys.contains($0) }
            diagnostics.error(
                path,
                "a step needs exactly one action (an operation such as \"find\", or a control step such as \"run\")"
                    + (guess.map { "; did you mean `\($0)`?" } ?? (known.map { "; `\($0)` is not an action" } ?? "")))
            return nil
        }
        guard actions.count == 1 else {
            diagnostics.error(path, "a step holds exactly one action, found " + actions.map { "\"\($0)\"" }.joined(separator: " and "))
            return nil
        }
        let reader = FieldReader(document, at: path, diagnostics)
        let label = ["createIndex", "dropIndex"].contains(action) ? nil : reader.string("name")
        let kind: Step.Kind?
        if let operation = OperationAction(rawValue: action) {
            kind = self.operation(operation, reader, scope: &scope).map { .operation($0) }
        } else {
            kind = control(action, reader, scope: &scope)
        }
        return kind.map { Step(kind: $0, label: label, path: path, file: context.file) }
    }

    // MARK: Operations

    func operation(_ action: OperationAction, _ reader: FieldReader, scope: inout Set<String>) -> OperationStep? {
        let document = reader.document, path = reader.path
        if let keys = action.argumentKeys {
            reader.allowOnly([action.rawValue] + keys + action.commonKeys, context: " for `\(action.rawValue)`")
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
        } else {
            guard let name = reader.string(action.rawValue, required: true) else { return nil }
            collection = name
            for (key, value) in document where key != action.rawValue && !action.commonKeys.contains(key) {
                arguments.append(key, value)
            }
            checkArgumentShapes(action, arguments, at: path)
            if context.live && !action.isRead {
                diagnostics.error(path.key(action.rawValue), "\"\(action.rawValue)\" writes, and a live scenario may only read (find, aggregate, count, distinct, listIndexes, read-only commands)")
            }
            if action == .aggregate, let pipeline = arguments["pipeline"]?.arrayValue {
                checkPipeline(pipeline, at: path.key("pipeline"))
            }
        }
        substitutions(in: .document(arguments), at: path, scope: scope, expectation: false)

        let expect = document["expect"]
        if let expect { expectation(expect, at: path.key("expect"), scope: scope) }
        let expectError = document["expectError"].flatMap { expectedError($0, at: path.key("expectError"), scope: scope) }
        if expect != nil && document["expectError"] != nil {
            diagnostics.error(path, "a step has \"expect\" or \"expectError\", not both: an operation either succeeds or fails")
        }
        let save = document["save"].flatMap { saveTarget($0, at: path.key("save")) }
        if let save {
            if document["expectError"] != nil {
                diagnostics.error(path.key("save"), "a step that expects an error has no result to save")
            }
            scope.formUnion(save.variables)
        }
        return OperationStep(
            action: action, collection: collection, arguments: arguments, database: database, expect: expect,
            expectError: expectError, save: save, timeoutMS: reader.integer("timeoutMS", in: 1...Int(Int32.max)))
    }

    /// Where a `command` may go: the scenario's own database (the sandbox), or `admin` for
    /// a command that only reads. Anything else could touch a database Preflight did not create.
    private func checkCommand(_ name: String, _ command: BSONDocument, on database: String?, at path: JSONPath) {
        let readOnly = OperationAction.readOnlyCommands.contains(name) && !Self.pipelineWrites(command["pipeline"])
        if context.live && !readOnly {
            diagnostics.error(path.key("command"), "the command \"\(name)\" may write, and a live scenario may only read; read-only commands: \(OperationAction.readOnlyCommands.sorted().joined(separator: ", "))")
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
        if let pipeline = command["pipeline"]?.arrayValue { checkPipeline(pipeline, at: path.key("command").key("pipeline")) }
    }

    static func pipelineWrites(_ pipeline: BSON?) -> Bool {
        (pipeline?.arrayValue ?? []).contains { stage in
            stage.documentValue.map { $0.contains("$out") || $0.contains("$merge") } ?? false
        }
    }

    /// `$out` and `$merge` write: refused in live files, and kept inside the sandbox otherwise.
    private func checkPipeline(_ pipeline: [BSON], at path: JSONPath) {
        for (index, stage) in pipeline.enumerated() {
            guard let stage = stage.documentValue, let name = stage.keys.first, name == "$out" || name == "$merge" else { continue }
            if context.live {
                diagnostics.error(path.index(index), "\"\(name)\" writes, and a live scenario may only read")
                continue
            }
            let target = name == "$out" ? stage[name]?.documentValue : stage[name]?.documentValue?["into"]?.documentValue
            if let database = target?["db"]?.stringValue, database != context.logicalDatabase {
                diagnostics.error(path.index(index), "\"\(name)\" into database \"\(database)\" would write outside the scenario's sandbox")
            }
        }
    }

    private func checkArgumentShapes(_ action: OperationAction, _ arguments: BSONDocument, at path: JSONPath) {
        let documents = ["filter", "document", "replacement", "sort", "projection", "collation", "let", "key", "options"]
        for key in documents where key != "key" || action != .distinct {
            if let value = arguments[key], value.documentValue == nil {
                diagnostics.error(path.key(key), "expected a JSON object, got \(Diagnostics.describe(value))")
            }
        }
        if action == .distinct, let value = arguments["key"], value.stringValue?.isEmpty != false {
            diagnostics.error(path.key("key"), "expected the field name as a non-empty string, got \(Diagnostics.describe(value))")
        }
        for key in ["pipeline", "arrayFilters", "requests", "documents"] {
            if let value = arguments[key], value.arrayValue == nil {
                diagnostics.error(path.key(key), "expected a JSON array, got \(Diagnostics.describe(value))")
            }
        }
        for key in ["upsert", "ordered", "allowDiskUse"] {
            if let value = arguments[key], value.boolValue == nil {
                diagnostics.error(path.key(key), "expected true or false, got \(Diagnostics.describe(value))")
            }
        }
        for key in ["skip", "limit", "batchSize"] {
            if let value = arguments[key], (value.integerValue ?? -1) < 0 {
                diagnostics.error(path.key(key), "expected a whole number ≥ 0, got \(Diagnostics.describe(value))")
            }
        }
        if let update = arguments["update"], update.documentValue == nil, update.arrayValue == nil {
            diagnostics.error(path.key("update"), "expected an update document or a pipeline (array), got \(Diagnostics.describe(update))")
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

    private func checkBulkRequests(_ requests: [BSON], at path: JSONPath) {
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

    // MARK: Expectations

    func expectation(_ value: BSON, at path: JSONPath, scope: Set<String>) {
        for problem in ExpectationSyntax.problems(in: value, path: path, substitutionOperators: Set(Self.substitutionOperators)) {
            diagnostics.error(problem.path, problem.message)
        }
        substitutions(in: value, at: path, scope: scope, expectation: true)
    }

    func expectedError(_ value: BSON, at path: JSONPath, scope: Set<String>) -> ExpectedError? {
        guard let document = value.documentValue else {
            diagnostics.error(path, "expected a JSON object such as {\"codeName\": \"DuplicateKey\"}, got \(Diagnostics.describe(value))")
            return nil
        }
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(["code", "codeName", "contains", "labels", "labelsOmit", "isClientError", "response"])
        let code = reader.integer("code", in: Int(Int32.min)...Int(Int32.max)).map { Int32($0) }
        if let response = document["response"] {
            if response.documentValue == nil {
                diagnostics.error(path.key("response"), "expected the error reply as a JSON object, got \(Diagnostics.describe(response))")
            } else {
                expectation(response, at: path.key("response"), scope: scope)
            }
        }
        return ExpectedError(
            code: code, codeName: reader.string("codeName"), contains: reader.string("contains"),
            labels: reader.strings("labels") ?? [], labelsOmit: reader.strings("labelsOmit") ?? [],
            isClientError: reader.bool("isClientError"), response: document["response"])
    }

    private func saveTarget(_ value: BSON, at path: JSONPath) -> SaveTarget? {
        if let name = value.stringValue {
            guard Self.isVariableName(name) else {
                diagnostics.error(path, "\"\(name)\" is not a variable name: use letters, digits and _, starting with a letter or _")
                return nil
            }
            return .whole(name)
        }
        guard let document = value.documentValue, !document.isEmpty else {
            diagnostics.error(path, "expected a variable name, or an object of variable → path in the result, got \(Diagnostics.describe(value))")
            return nil
        }
        var pairs: [(variable: String, path: String)] = []
        for (name, target) in document {
            guard Self.isVariableName(name) else {
                diagnostics.error(path.key(name), "\"\(name)\" is not a variable name: use letters, digits and _, starting with a letter or _")
                continue
            }
            guard let resultPath = target.stringValue else {
                diagnostics.error(path.key(name), "expected a path into the result such as \"insertedId\" or \"0.total\", got \(Diagnostics.describe(target))")
                continue
            }
            pairs.append((name, resultPath))
        }
        return .paths(pairs)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    // MARK: Variables

    /// Checks `$$var`, `$$now` and `$$newObjectId` wherever they appear: known variables,
    /// right shapes. In arguments any other `$$` operator is an error; in expectations the
    /// matcher's operators are checked by `ExpectationSyntax`.
    func substitutions(in value: BSON, at path: JSONPath, scope: Set<String>, expectation: Bool) {
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                substitutions(in: element, at: path.index(index), scope: scope, expectation: expectation)
            }
        case .document(let document):
            let operators = document.keys.filter { $0.hasPrefix("$$") }
            guard let name = operators.first else {
                for (key, element) in document {
                    substitutions(in: element, at: path.key(key), scope: scope, expectation: expectation)
                }
                return
            }
            if document.count > 1 {
                if !expectation { diagnostics.error(path, "\"\(name)\" must be the only key of its object") }
                return
            }
            let argument = document[name] ?? .null
            switch name {
            case "$$var":
                guard let reference = argument.stringValue, !reference.isEmpty else {
                    diagnostics.error(path.key(name), "expected a variable name such as \"month\" or \"order.total\", got \(Diagnostics.describe(argument))")
                    return
                }
                let root = String(reference.split(separator: ".", maxSplits: 1).first ?? "")
                if !scope.contains(root) {
                    let known = scope.sorted()
                    diagnostics.error(
                        path.key(name),
                        Diagnostics.unknown("variable", root, among: known) + (known.isEmpty ? " (no variables are defined here)" : ""))
                }
            case "$$now":
                let offset = argument.documentValue
                let valid = offset.map { document in
                    document.keys.allSatisfy { $0 == "offsetSeconds" } && (document["offsetSeconds"].map(\.isNumber) ?? true)
                } ?? false
                if !valid {
                    diagnostics.error(path.key(name), "expected {} or {\"offsetSeconds\": number}, got \(Diagnostics.describe(argument))")
                }
            case "$$newObjectId":
                if argument.documentValue?.isEmpty != true {
                    diagnostics.error(path.key(name), "expected {}, got \(Diagnostics.describe(argument))")
                }
            default:
                if expectation {
                    // The operator's own shape is ExpectationSyntax's; variables inside it are ours.
                    substitutions(in: argument, at: path.key(name), scope: scope, expectation: true)
                } else {
                    diagnostics.error(path.key(name), Diagnostics.unknown("operator", name, among: Self.substitutionOperators) + " (arguments may use $$var, $$now and $$newObjectId)")
                }
            }
        default:
            break
        }
    }
}
