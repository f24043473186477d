import Mongo

/// One step of a test, procedure or control block, with where it was written.
public struct Step: Sendable {
    public indirect enum Kind: Sendable {
        case operation(OperationStep)
        /// Runs a procedure with its parameters bound, in a scope of its own.
        case run(procedure: String, arguments: BSONDocument, expectError: ExpectedError? = nil)
        /// Runs `steps` once per element of the array variable, the element bound to `as`.
        case forEach(variable: String, element: String, steps: [Step])
        case repeatSteps(count: Int, steps: [Step])
        /// Branches that start together, each on its own connection and in its own scope.
        case parallel([[Step]])
        case transaction(steps: [Step], options: TransactionOptions, expectError: ExpectedError?)
        /// The `configureFailPoint` command, sent to `admin`.
        case failPoint(BSONDocument)
        /// A compat spec, loaded and validated with the scenario, held to the test's database.
        case compat(CompatSpec)
        case sleep(milliseconds: Int)
        case expectVariable(name: String, expect: BSON)
        case check(name: String)
        case exec(ExecStep)
        case http(HTTPStep)
    }

    public var kind: Kind
    /// The step's `name`, when it has one.
    public var label: String?
    /// Where the step was written: `tests[0].steps[2]`, `procedures.run.steps[0]`.
    public var path: JSONPath
    /// The file the step was written in (a library's steps name the library).
    public var file: String

    /// How reports name the step: its label, else its path and action.
    public var title: String {
        let what: String
        switch kind {
        case .operation(let operation):
            what = operation.action == .command ? "command \(operation.commandName ?? "")" : "\(operation.action.rawValue) \(operation.collection)"
        case .run(let procedure, _, _): what = "run \(procedure)"
        case .forEach(let variable, _, _): what = "forEach \(variable)"
        case .repeatSteps(let count, _): what = "repeat \(count)"
        case .parallel(let branches): what = "parallel (\(branches.count) branches)"
        case .transaction: what = "transaction"
        case .failPoint: what = "failPoint"
        case .compat(let spec): what = "compat \(spec.file)"
        case .sleep(let milliseconds): what = "sleep \(milliseconds) ms"
        case .expectVariable(let name, _): what = "expectVar \(name)"
        case .check(let name): what = "check \(name)"
        case .exec(let exec): what = "exec \(exec.program)"
        case .http(let http): what = "http \(http.method) \(http.url)"
        }
        if let label { return path.isRoot ? "\(label): \(what)" : "\(label) (\(path): \(what))" }
        return path.isRoot ? what : "\(path): \(what)"
    }
}
