import Mongo

extension StepParser {
    /// Checks `$$var`, `$$now` and `$$newObjectId` wherever they appear: known variables,
    /// right shapes. In arguments any other `$$` operator is an error; in expectations the
    /// matcher's operators are checked by `ExpectationSyntax`.
    /// - Returns: whether `value` may hold one of the three, for `Substitution` to replace
    ///   when the step runs; false only when the walk saw every object and array in it.
    @discardableResult
    func substitutions(in value: BSON, at path: JSONPath, scope: Set<String>, expectation: Bool) -> Bool {
        substitutions(in: value, at: { path }, scope: scope, expectation: expectation)
    }

    /// The walk, with the path made only for a message: every step of a file is walked,
    /// and most hold nothing to report.
    private func substitutions(in value: BSON, at path: () -> JSONPath, scope: Set<String>, expectation: Bool) -> Bool {
        switch value {
        // Only objects and arrays can hold an operator.
        case .array(let elements):
            var found = false
            for (index, element) in elements.enumerated() where element.isContainer {
                if substitutions(in: element, at: { path().index(index) }, scope: scope, expectation: expectation) { found = true }
            }
            return found
        case .document(let document):
            guard let name = document.elements.first(where: { VariableName.isOperatorKey($0.key) })?.key else {
                var found = false
                for (key, element) in document where element.isContainer {
                    if substitutions(in: element, at: { path().key(key) }, scope: scope, expectation: expectation) { found = true }
                }
                return found
            }
            if document.count > 1 {
                if !expectation { diagnostics.error(path(), "\"\(name)\" must be the only key of its object") }
                // Not walked further: `Substitution` looks inside it when the step runs.
                return true
            }
            let argument = document[name] ?? .null
            switch name {
            case "$$var":
                guard let reference = argument.stringValue, !reference.isEmpty else {
                    diagnostics.error(path().key(name), "expected a variable name such as \"month\" or \"order.total\", got \(Diagnostics.describe(argument))")
                    return true
                }
                let root = VariableName.root(of: reference)
                if root == VariableName.builtIn, scope.contains(root), let problem = builtInProblem(reference) {
                    diagnostics.error(path().key(name), problem)
                } else if !scope.contains(root) {
                    let known = VariableName.suggestions(for: root, in: scope)
                    diagnostics.error(
                        path().key(name),
                        Diagnostics.unknown("variable", root, among: known) + (known.isEmpty ? " (no variables are defined here)" : ""))
                }
            case "$$now":
                let offset = argument.documentValue
                let valid = offset.map { document in
                    document.keys.allSatisfy { $0 == "offsetSeconds" }
                        && (document["offsetSeconds"].map { Substitution.offsetSeconds($0) != nil } ?? true)
                } ?? false
                if !valid {
                    diagnostics.error(path().key(name), "expected {} or {\"offsetSeconds\": a number of seconds within ±\(Int(Substitution.maximumOffsetSeconds))}, got \(Diagnostics.describe(argument))")
                }
            case "$$newObjectId":
                if argument.documentValue?.isEmpty != true {
                    diagnostics.error(path().key(name), "expected {}, got \(Diagnostics.describe(argument))")
                }
            default:
                if expectation {
                    // The operator's own shape is ExpectationSyntax's; variables inside it are ours.
                    return substitutions(in: argument, at: { path().key(name) }, scope: scope, expectation: true)
                }
                diagnostics.error(path().key(name), Diagnostics.unknown("operator", name, among: VariableName.substitutionOperators) + " (arguments may use $$var, $$now and $$newObjectId)")
            }
            return true
        default:
            return false
        }
    }

    /// Why a reference into `preflight` names nothing: it has `uri`, `database` and
    /// `ports.NAME` for each of the file's services.
    func builtInProblem(_ reference: String) -> String? {
        let parts = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return nil }
        let members = ["uri", "database", "ports"]
        guard members.contains(parts[1]) else {
            return Diagnostics.unknown("member", parts[1], among: members, context: " of `preflight`")
        }
        guard parts[1] == "ports", parts.count > 2, let services = context.serviceNames else { return nil }
        if !services.contains(parts[2]) {
            return services.isEmpty
                ? "`\(reference)`: this file starts no services, so `preflight.ports` is empty"
                : Diagnostics.unknown("service", parts[2], among: services.sorted(), context: " in `\(reference)`")
        }
        return parts.count > 3 ? "`\(reference)`: a port is a number, with nothing inside it" : nil
    }
}
