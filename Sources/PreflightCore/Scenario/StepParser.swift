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
        /// Control steps this kind of file does not take, each with the reason given when
        /// one is written (a migration's `up` has no `parallel`, for one).
        var refusedControls: [String: String] = [:]
        /// The file's services, whose ports are `preflight.ports.NAME`; nil where they are
        /// not known (a library read on its own).
        var serviceNames: Set<String>? = nil
    }

    static let controlKeys = ["run", "forEach", "repeat", "parallel", "transaction", "failPoint", "compat", "sleep", "expectVar", "check", "exec", "http"]
    static let actionKeys = OperationAction.allCases.map(\.rawValue) + controlKeys
    /// The same, for the membership tests made on every key of a file (a list of forty
    /// names compared one by one cost a third of reading a large file), each with what it
    /// names: one hash of a step's action key says which action it is.
    private static let actionKinds: [String: ActionKind] = Dictionary(
        uniqueKeysWithValues: actionKeys.map { ($0, OperationAction(rawValue: $0).map(ActionKind.operation) ?? .control) })
    /// For each first byte, a bit per length that some action name has: most keys of a
    /// file (`_id`, `filter`, `qty`) are turned away by it without being hashed.
    private static let actionShapes: [UInt64] = actionKeys.reduce(into: [UInt64](repeating: 0, count: 256)) { shapes, name in
        shapes[Int(name.utf8.first!)] |= 1 << UInt64(min(name.utf8.count, 63))
    }

    enum ActionKind {
        case operation(OperationAction)
        case control
    }

    /// What `key` names as a step's action; nil when it names none.
    static func actionKind(of key: String) -> ActionKind? {
        guard let first = key.utf8.first, actionShapes[Int(first)] & (1 << UInt64(min(key.utf8.count, 63))) != 0 else { return nil }
        return actionKinds[key]
    }

    let diagnostics: Diagnostics
    var context: Context

    init(_ diagnostics: Diagnostics, context: Context) {
        self.diagnostics = diagnostics
        self.context = context
    }

    // MARK: Steps

    /// - Parameter allowEmpty: whether no steps at all is fine (a test that only checks
    ///   its fixtures); a block of steps that does nothing is otherwise a mistake.
    func steps(_ value: BSON?, at path: JSONPath, scope: inout Set<String>, allowEmpty: Bool = false) -> [Step] {
        guard let value else { return [] }
        guard let array = value.arrayValue else {
            diagnostics.error(path, "expected an array of steps, got \(Diagnostics.describe(value))")
            return []
        }
        if array.isEmpty && !allowEmpty {
            diagnostics.error(path, "expected at least one step: an empty block does nothing and asserts nothing")
        }
        var steps: [Step] = []
        FieldReader.eachObject(in: array, at: path, diagnostics, expected: "a step (a JSON object with one action)") { reader in
            if let step = step(reader.document, at: reader.path, scope: &scope) { steps.append(step) }
        }
        return steps
    }

    func step(_ document: BSONDocument, at path: JSONPath, scope: inout Set<String>) -> Step? {
        // The first action key, and any other (a mistake): no array made for the usual one.
        var first: (key: String, kind: ActionKind)?
        var others: [String] = []
        for element in document.elements {
            guard let kind = Self.actionKind(of: element.key) else { continue }
            if first == nil { first = (element.key, kind) } else { others.append(element.key) }
        }
        guard let (action, actionKind) = first else {
            // Keys every step may carry (`expect`, `name`) are not misspelt actions.
            let guess = document.keys.lazy.filter { !OperationAction.commonKeys.contains($0) }
                .compactMap { key in NearestName.suggestion(for: key, among: Self.actionKeys).map { (key, $0) } }.first
            let known = document.keys.first { !OperationAction.commonKeys.contains($0) }
            diagnostics.error(
                path,
                "a step needs exactly one action (an operation such as \"find\", or a control step such as \"run\")"
                    + (guess.map { "; `\($0.0)` is not an action: did you mean `\($0.1)`?" } ?? (known.map { "; `\($0)` is not an action" } ?? "")))
            return nil
        }
        guard others.isEmpty else {
            diagnostics.error(path, "a step holds exactly one action, found " + ([action] + others).map { "\"\($0)\"" }.joined(separator: " and "))
            return nil
        }
        if let reason = context.refusedControls[action] {
            diagnostics.error(path.key(action), reason)
            return nil
        }
        let reader = FieldReader(document, at: path, diagnostics)
        let nameIsIndex = if case .operation(let operation) = actionKind { !operation.nameIsLabel } else { false }
        let label = nameIsIndex ? nil : reader.string("name")
        Redaction.checkPrinted(label, at: path.key("name"), diagnostics)
        let kind: Step.Kind?
        if case .operation(let operation) = actionKind {
            kind = self.operation(operation, reader, scope: &scope).map { .operation($0) }
        } else {
            kind = control(action, reader, scope: &scope)
        }
        return kind.map { Step(kind: $0, label: label, path: path, file: context.file) }
    }
}
