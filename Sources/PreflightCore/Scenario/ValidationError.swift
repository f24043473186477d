import Foundation

/// One problem in an input file, located so an editor can jump to it:
/// `scenarios/billing.json:12:9: tests[2].steps[0]: unknown key "fitler"; did you mean "filter"?`
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The JSON path for structural errors; nil for malformed JSON.
    public var path: JSONPath?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, path: JSONPath? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var out = file
        if let line {
            out += ":\(line)"
            if let column { out += ":\(column)" }
        }
        out += ": "
        if let path, !path.isRoot { out += "\(path): " }
        return Self.oneLine(out + message)
    }

    /// Control characters from the user's text shown, never obeyed: a raw newline would
    /// split the message from its location, an ESC would repaint the terminal, and a NUL
    /// would cut the line short.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: Self.isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            case _ where isControl(scalar): out += String(format: "\\u{%02X}", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
