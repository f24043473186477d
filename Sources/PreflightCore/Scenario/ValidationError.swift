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
        return out + message
    }
}
