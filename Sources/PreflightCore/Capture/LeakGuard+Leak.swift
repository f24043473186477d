extension LeakGuard {
    /// One place in the file where a redacted value was found.
    struct Leak {
        enum Kind {
            /// The value itself.
            case value
            /// Inside a longer string.
            case insideText
            /// In a field name, which --redact cannot replace.
            case fieldName
        }

        /// Where the value was redacted: `customers.email`.
        var origin: String
        /// Where it was found: `fixtures.orders[0].notes`.
        var place: String
        var kind: Kind
        /// The --redact argument that would replace it: `orders.notes`; nil outside the
        /// fixtures, and for field names.
        var field: String?

        var sentence: String {
            switch kind {
            case .value: "a value redacted at \(origin) is also at \(place)"
            case .insideText: "a value redacted at \(origin) is inside the text at \(place)"
            case .fieldName: "a value redacted at \(origin) is in the field name at \(place)"
            }
        }
    }

    /// The most places one message lists; a capture that leaks one path usually leaks it
    /// in every document, and the first few say what to do.
    static let listed = 10

    /// Every place (up to `listed`), what to redact, and never the value.
    static func message(_ leaks: [Leak]) -> String {
        var fields: [String] = []
        for leak in leaks { if let field = leak.field, !fields.contains(field) { fields.append(field) } }
        var advice: [String] = []
        if !fields.isEmpty {
            advice.append(
                "Add " + fields.map { "--redact \($0)" }.joined(separator: " ")
                    + " as well, or narrow --filter and the --follow rules to leave those documents out.")
        }
        if leaks.contains(where: { $0.kind == .fieldName }) {
            advice.append("A field name cannot be redacted: narrow --filter and the --follow rules to leave its documents out.")
        }
        if leaks.contains(where: { !$0.place.hasPrefix("fixtures.") }) {
            advice.append("Take the value out of --name and --filter.")
        }
        let closing = advice.joined(separator: " ")
        if leaks.count == 1, let leak = leaks.first {
            let sentence = leak.sentence
            return sentence.prefix(1).uppercased() + sentence.dropFirst() + ", which is not redacted: the file would reveal it. " + closing
        }
        var lines = ["Redacted values would still be in the file, at places that are not redacted:"]
        lines += leaks.prefix(listed).map { "  - " + $0.sentence }
        if leaks.count > listed { lines.append("  - and \(leaks.count - listed) more") }
        lines.append(closing)
        return lines.joined(separator: "\n")
    }
}
