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
        // A plain name, the usual case, needs no splitting.
        if !reference.utf8.contains(UInt8(ascii: ".")), let found = value(reference) { return found }
        let segments = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = value(segments[0]) else {
            throw .errored(TestProblem(type: "variable", message: "the variable \"\(segments[0])\" has no value here (was the step that saves it skipped?)"))
        }
        guard let found = ResultPath.value(at: Array(segments.dropFirst()), in: root) else {
            throw .errored(TestProblem(type: "variable", message: "the variable \"\(segments[0])\" has no \"\(segments.dropFirst().joined(separator: "."))\": its value is \(Redaction.redact(root).extendedJSON(.relaxed).prefix(200))"))
        }
        return found
    }
}
