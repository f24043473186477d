import Mongo

/// A file's `vars`, with `{"$$var": "other.path"}` inside them replaced by the other
/// variable's value at load time, so the server never sees a reference as written. A
/// reference to an unknown variable, or a cycle, is a validation error.
enum VariableDefinitions {
    /// - Parameters:
    ///   - vars: the variables, command-line values already merged in.
    ///   - path: where `vars` is written, for messages.
    static func resolve(_ vars: BSONDocument, at path: JSONPath, _ diagnostics: Diagnostics) -> BSONDocument {
        var resolved: [String: BSON] = [:]
        var visiting: [String] = []
        var failed: Set<String> = []

        func resolvedValue(of name: String) -> BSON? {
            if let done = resolved[name] { return done }
            if failed.contains(name) { return nil }
            if let start = visiting.firstIndex(of: name) {
                let cycle = visiting[start...] + [name]
                diagnostics.error(path.key(name), "the variables refer to each other in a cycle: \(cycle.joined(separator: " → ")); give one of them a value")
                failed.formUnion(cycle)
                return nil
            }
            guard let raw = vars[name] else { return nil }
            visiting.append(name)
            defer { visiting.removeLast() }
            guard let substituted = substitute(raw, in: name) else {
                failed.insert(name)
                return nil
            }
            resolved[name] = substituted
            return substituted
        }

        func substitute(_ value: BSON, in owner: String) -> BSON? {
            switch value {
            case .document(let document):
                if document.count == 1, let reference = document["$$var"] {
                    guard let text = reference.stringValue, !text.isEmpty else {
                        diagnostics.error(path.key(owner), "{\"$$var\": …} takes a variable name as a string, got \(Diagnostics.describe(reference))")
                        return nil
                    }
                    let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    guard vars[segments[0]] != nil else {
                        diagnostics.error(path.key(owner), Diagnostics.unknown("variable", segments[0], among: vars.keys.filter { $0 != owner }, context: " in vars.\(owner)"))
                        return nil
                    }
                    guard let base = resolvedValue(of: segments[0]) else { return nil }
                    guard let found = ResultPath.value(at: Array(segments.dropFirst()), in: base) else {
                        diagnostics.error(path.key(owner), "{\"$$var\": \"\(text)\"}: \(segments[0]) has no \(segments.dropFirst().joined(separator: "."))")
                        return nil
                    }
                    return found
                }
                var copy = BSONDocument()
                for (key, element) in document {
                    guard let replaced = substitute(element, in: owner) else { return nil }
                    copy[key] = replaced
                }
                return .document(copy)
            case .array(let elements):
                var copy: [BSON] = []
                for element in elements {
                    guard let replaced = substitute(element, in: owner) else { return nil }
                    copy.append(replaced)
                }
                return .array(copy)
            default:
                return value
            }
        }

        var result = BSONDocument()
        for (name, raw) in vars { result[name] = resolvedValue(of: name) ?? raw }
        return result
    }
}
