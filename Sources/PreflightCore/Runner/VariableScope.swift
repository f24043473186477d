import Foundation
import Mongo

/// Variables visible to a step: its own, then its parents'. A `run`, each `parallel`
/// branch and each `forEach` iteration get a child scope, so what they save stays in it.
final class VariableScope: @unchecked Sendable {
    // @unchecked: `values` is guarded by `lock`; parents are only read while children run.
    private let parent: VariableScope?
    private let lock = NSLock()
    private var values: [String: BSON] = [:]

    init(parent: VariableScope? = nil, values: [String: BSON] = [:]) {
        self.parent = parent
        self.values = values
    }

    /// The top scope of a run: a file's `vars`.
    convenience init(vars: BSONDocument) {
        self.init(values: Dictionary(vars.elements.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
    }

    func child(_ values: [String: BSON] = [:]) -> VariableScope {
        VariableScope(parent: self, values: values)
    }

    func set(_ name: String, _ value: BSON) {
        lock.withLock { values[name] = value }
    }

    func value(_ name: String) -> BSON? {
        lock.withLock { values[name] } ?? parent?.value(name)
    }

    /// Resolves `name.path`: dotted segments into documents, numeric segments into arrays.
    func resolve(_ reference: String) throws(RunFailure) -> BSON {
        // Walked segment by segment, without an array of them: a `forEach` or a long file
        // resolves a path for every step it runs.
        var segments = VariableName.Segments(reference)
        let head = segments.next() ?? reference[...]
        // A plain name, the usual case, has no more.
        guard let path = segments.rest else {
            if let found = value(reference) { return found }
            throw .errored(TestProblem(type: "variable", message: "the variable \"\(reference)\" has no value here (was the step that saves it skipped?)"))
        }
        let name = String(head)
        guard let root = value(name) else {
            throw .errored(TestProblem(type: "variable", message: "the variable \"\(name)\" has no value here (was the step that saves it skipped?)"))
        }
        guard let found = ResultPath.value(at: IteratorSequence(segments), in: root) else {
            throw .errored(TestProblem(type: "variable", message: "the variable \"\(name)\" has no \"\(path)\": its value is \(Redaction.redact(root).extendedJSON(.relaxed).prefix(200))"))
        }
        return found
    }
}
