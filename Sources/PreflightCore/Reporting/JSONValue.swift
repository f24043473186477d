import Mongo

/// A JSON document as the JSON report builds it, written out with stable key order and
/// two-space indentation.
///
/// Foundation's `JSONSerialization` would do, but it sorts or scrambles keys (a
/// dictionary has no order), writes `0.1` as `0.10000000000000001`, and escapes `/`;
/// a report other tools diff and read wants keys in the documented order and durations
/// with exactly three decimals.
indirect enum JSONValue {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// Already in JSON's number syntax: `12`, `0.125`.
    case number(String)
    case bool(Bool)
    case null

    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The text, or `null` for nil.
    static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// The value as JSON text, ending without a newline.
    func text() -> String {
        var out = ""
        write(to: &out, indent: "")
        return out
    }

    private func write(to out: inout String, indent: String) {
        switch self {
        case .object(let members) where members.isEmpty: out += "{}"
        case .object(let members):
            let inner = indent + "  "
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += inner + Self.quoted(member.key) + ": "
                member.value.write(to: &out, indent: inner)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .array(let elements) where elements.isEmpty: out += "[]"
        case .array(let elements):
            let inner = indent + "  "
            out += "[\n"
            for (index, element) in elements.enumerated() {
                out += inner
                element.write(to: &out, indent: inner)
                out += index == elements.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .string(let text): out += Self.quoted(text)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// `text` as a JSON string literal that any parser reads back unchanged.
    ///
    /// Every control character is escaped (RFC 8259 requires it below U+0020; DEL and
    /// the C1 controls are escaped so that a log piped to a terminal cannot repaint it),
    /// and so are U+2028 and U+2029, which JSON allows but JavaScript before ES2019 reads
    /// as line ends. Swift strings hold no lone surrogates, so every scalar is
    /// otherwise written as it is.
    ///
    /// Known secret values (`SecretValues`) are masked first: every string of the JSON
    /// report passes here.
    static func quoted(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        BSON.writeString(SecretValues.shared.mask(text), to: &out, escapingC1AndLineSeparators: true)
        return out
    }
}
