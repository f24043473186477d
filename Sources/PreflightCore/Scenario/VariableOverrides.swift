/// `--var` names checked against what the selected files declare: a misspelt
/// `--var mnth=2026-02` would otherwise be ignored while `month` keeps its default.
public enum VariableOverrides {
    /// A sentence naming each `--var` no file declares, with the nearest declared name;
    /// nil when every one is declared.
    public static func problem(_ names: [String], declared: Set<String>) -> String? {
        let unknown = names.filter { !declared.contains($0) }
        guard !unknown.isEmpty else { return nil }
        let sorted = declared.sorted()
        let parts = unknown.map { name in
            NearestName.suggestion(for: name, among: sorted).map { "--var \(name) (did you mean \($0)?)" } ?? "--var \(name)"
        }
        let known = sorted.isEmpty ? "they declare no variables" : "they declare " + sorted.joined(separator: ", ")
        return "No selected file declares \(parts.joined(separator: ", ")) in its vars; \(known). A --var sets a variable a file declares."
    }
}
