import Foundation
import Mongo

extension StepParser {
    static let maximumBranches = 64

    /// Control steps: the keys each takes, and the scope each gives the steps inside it.
    func control(_ action: String, _ reader: FieldReader, scope: inout Set<String>) -> Step.Kind? {
        let path = reader.path, document = reader.document
        switch action {
        case "run":
            reader.allowOnly(["run", "with", "expectError", "name"])
            guard let name = reader.string("run", required: true) else { return nil }
            let arguments = reader.document("with") ?? [:]
            guard let params = context.procedures[name] else {
                diagnostics.error(path.key("run"), Diagnostics.unknown("procedure", name, among: context.procedures.keys.sorted()))
                return nil
            }
            for key in arguments.keys where !params.contains(key) {
                diagnostics.error(path.key("with").key(key), Diagnostics.unknown("parameter", key, among: params, context: " for `\(name)`"))
            }
            for param in params where !arguments.contains(param) {
                diagnostics.error(path.key("with"), "\"\(name)\" needs the parameter \"\(param)\"")
            }
            substitutions(in: .document(arguments), at: path.key("with"), scope: scope, expectation: false)
            // The procedure must fail: the first operation that does ends it, and its error
            // is matched as an operation's `expectError` is.
            let expectError = document["expectError"].flatMap { expectedError($0, at: path.key("expectError"), scope: scope) }
            if expectError?.result != nil {
                diagnostics.error(path.key("expectError").key("result"), "a procedure has no result of its own; expect the failing write's result on that step")
            }
            return .run(procedure: name, arguments: arguments, expectError: expectError)

        case "forEach":
            reader.allowOnly(["forEach", "as", "steps", "name"])
            guard let variable = reader.string("forEach", required: true) else { return nil }
            let root = VariableName.root(of: variable)
            if !scope.contains(root) {
                diagnostics.error(path.key("forEach"), Diagnostics.unknown("variable", root, among: VariableName.suggestions(for: root, in: scope)))
            }
            guard let element = reader.string("as", required: true) else { return nil }
            if !VariableName.isValid(element) {
                diagnostics.error(path.key("as"), "\"\(element)\" is not a variable name")
            }
            _ = reader.require("steps", "the steps to run for each element")
            var inner = scope.union([element])
            return .forEach(variable: variable, element: element, steps: steps(document["steps"], at: path.key("steps"), scope: &inner))

        case "repeat":
            reader.allowOnly(["repeat", "steps", "name"])
            guard let count = reader.integer("repeat", required: true, in: 1...1_000_000) else { return nil }
            _ = reader.require("steps", "the steps to repeat")
            return .repeatSteps(count: count, steps: steps(document["steps"], at: path.key("steps"), scope: &scope))

        case "parallel":
            reader.allowOnly(["parallel", "name"])
            guard let branches = reader.array("parallel", required: true) else { return nil }
            if branches.count < 2 {
                diagnostics.error(path.key("parallel"), "expected at least two branches (arrays of steps), got \(branches.count)")
            } else if branches.count > Self.maximumBranches {
                // Each branch holds a pooled connection while the test holds another;
                // libmongoc's pool has 100, and a branch waiting for one would never start.
                diagnostics.error(path.key("parallel"), "at most \(Self.maximumBranches) branches run at once, got \(branches.count)")
            }
            var parsed: [[Step]] = []
            for (index, branch) in branches.enumerated() {
                var inner = scope
                parsed.append(steps(branch, at: path.key("parallel").index(index), scope: &inner))
            }
            return .parallel(parsed)

        case "transaction":
            reader.allowOnly(["transaction", "options", "expectError", "name"])
            let options = transactionOptions(reader.document("options"), at: path.key("options"))
            let expectError = document["expectError"].flatMap { expectedError($0, at: path.key("expectError"), scope: scope) }
            guard reader.array("transaction", required: true) != nil else { return nil }
            let inner = steps(document["transaction"], at: path.key("transaction"), scope: &scope)
            checkNoNestedTransaction(inner)
            return .transaction(steps: inner, options: options, expectError: expectError)

        case "failPoint":
            reader.allowOnly(["failPoint", "name"])
            guard let command = reader.document("failPoint", required: true) else { return nil }
            if command.keys.first != "configureFailPoint" || command["configureFailPoint"]?.stringValue == nil {
                diagnostics.error(path.key("failPoint"), "expected {\"configureFailPoint\": \"failCommand\", \"mode\": …, \"data\": …}: the first key names the fail point")
            } else if command["configureFailPoint"]?.stringValue != "failCommand" {
                // Only failCommand can be limited to Preflight's own connections; any
                // other fail point acts on every client of the server.
                diagnostics.error(path.key("failPoint").key("configureFailPoint"), "only the `failCommand` fail point can be set: Preflight limits it to its own connections, and any other would act on every client of the server")
            }
            if command["mode"] == nil { diagnostics.error(path.key("failPoint"), "a fail point needs a \"mode\" such as {\"times\": 1} or \"alwaysOn\"") }
            if command["data"]?.documentValue?["appName"] != nil {
                diagnostics.error(path.key("failPoint").key("data").key("appName"), "Preflight limits a fail point to its own connections and sets \"appName\" itself; another app name could fail a real application's commands")
            }
            if context.live {
                diagnostics.error(path.key("failPoint"), "a live scenario may not set fail points: they change the server's behaviour for every client")
            } else if !context.failPointsDeclared {
                diagnostics.error(path.key("failPoint"), "a scenario that sets fail points must say so with \"requires\": {\"failPoints\": true}, so servers without them skip it")
            }
            return .failPoint(command)

        case "compat":
            reader.allowOnly(["compat", "name"])
            guard let written = reader.string("compat", required: true) else { return nil }
            return compatSpec(written, at: path.key("compat")).map { .compat($0) }

        case "sleep":
            reader.allowOnly(["sleep", "name"])
            guard let milliseconds = reader.integer("sleep", required: true, in: 0...600_000) else { return nil }
            return .sleep(milliseconds: milliseconds)

        case "expectVar":
            reader.allowOnly(["expectVar", "expect", "name"])
            guard let name = reader.string("expectVar", required: true) else { return nil }
            let root = VariableName.root(of: name)
            if !scope.contains(root) {
                diagnostics.error(path.key("expectVar"), Diagnostics.unknown("variable", root, among: VariableName.suggestions(for: root, in: scope)))
            }
            guard let expect = reader.require("expect", "the value the variable must match") else { return nil }
            expectation(expect, at: path.key("expect"), scope: scope)
            return .expectVariable(name: name, expect: expect)

        case "check":
            reader.allowOnly(["check", "name"])
            guard let name = reader.string("check", required: true) else { return nil }
            if !context.checks.contains(name) {
                diagnostics.error(path.key("check"), Diagnostics.unknown("check", name, among: context.checks.sorted()))
            }
            return .check(name: name)

        case "exec":
            return exec(reader, scope: &scope).map { .exec($0) }

        case "http":
            return http(reader, scope: &scope).map { .http($0) }

        default:
            return nil
        }
    }

    /// The compat spec a `compat` step names, loaded and validated now, so that a missing
    /// or invalid spec stops the run before anything is sent, like a missing include. The
    /// spec's own problems are reported at the step, each with its place in the spec.
    func compatSpec(_ written: String, at path: JSONPath) -> CompatSpec? {
        let file = CompatLoader.path(of: written, relativeTo: context.file)
        guard FileManager.default.fileExists(atPath: file) else {
            diagnostics.error(path, "no such file: \(file) (compat spec paths are relative to this file)")
            return nil
        }
        do {
            return try CompatLoader.load(file: file)
        } catch {
            for problem in error.errors { diagnostics.error(path, "the compat spec is invalid: \(problem)") }
            return nil
        }
    }

    func transactionOptions(_ document: BSONDocument?, at path: JSONPath) -> TransactionOptions {
        guard let document else { return TransactionOptions() }
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(["readConcern", "writeConcern", "maxCommitTimeMS"])
        var options = TransactionOptions()
        if let readConcern = document["readConcern"] {
            // Both {"level": "snapshot"} and "snapshot" are accepted.
            options.readConcern = readConcern.stringValue ?? readConcern.documentValue?["level"]?.stringValue
            if options.readConcern == nil {
                diagnostics.error(path.key("readConcern"), "expected {\"level\": \"majority\"} or a level name, got \(Diagnostics.describe(readConcern))")
            }
        }
        if let writeConcern = reader.document("writeConcern") {
            var concern = WriteConcern()
            let wReader = FieldReader(writeConcern, at: path.key("writeConcern"), diagnostics)
            wReader.allowOnly(["w", "j", "wtimeout", "wtimeoutMS"])
            switch writeConcern["w"] {
            case .string("majority"): concern.w = .majority
            case .string(let tag): concern.w = .tag(tag)
            case let value? where value.integerValue != nil: concern.w = .nodes(Int32(clamping: value.integerValue ?? 1))
            case let value?: diagnostics.error(path.key("writeConcern").key("w"), "expected a number or \"majority\", got \(Diagnostics.describe(value))")
            case nil: break
            }
            concern.journal = wReader.bool("j")
            if let timeout = wReader.integer("wtimeout") ?? wReader.integer("wtimeoutMS") { concern.timeoutMS = Int64(timeout) }
            options.writeConcern = concern
        }
        if let maxCommit = reader.integer("maxCommitTimeMS", in: 1...Int(Int32.max)) { options.maxCommitTimeMS = Int64(maxCommit) }
        return options
    }

    /// For a procedure's steps, parsed before it was known which procedures hold a
    /// transaction: every `transaction` among them that runs such a procedure.
    func checkRunsInTransactions(_ steps: [Step]) {
        ProcedureGraph.visit(steps) { step in
            guard case .transaction(let inner, _, _) = step.kind else { return }
            ProcedureGraph.visit(inner) { nested in
                if case .run(let procedure, _, _) = nested.kind, context.transactionalProcedures.contains(procedure) {
                    diagnostics.error(
                        nested.path,
                        "the procedure `\(procedure)` runs a transaction or a \"parallel\" step, so it cannot run inside a transaction")
                }
            }
        }
    }

    /// MongoDB has no nested transactions, and a `parallel` branch runs on a connection
    /// of its own, outside the session.
    func checkNoNestedTransaction(_ steps: [Step]) {
        for step in steps {
            switch step.kind {
            case .transaction: diagnostics.error(step.path, "transactions do not nest")
            case .parallel: diagnostics.error(step.path, "a \"parallel\" step cannot run inside a transaction: each branch has a connection of its own")
            case .compat:
                diagnostics.error(step.path, "a \"compat\" step cannot run inside a transaction: it reads outside the transaction's session, and would not see its writes")
            case .repeatSteps(_, let inner), .forEach(_, _, let inner): checkNoNestedTransaction(inner)
            case .run(let procedure, _, _) where context.transactionalProcedures.contains(procedure):
                diagnostics.error(step.path, "the procedure `\(procedure)` runs a transaction or a \"parallel\" step, so it cannot run inside a transaction")
            default: break
            }
        }
    }
}
