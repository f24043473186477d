/// The regular expression a field's strings must match, with its options, as the
/// server's `$regexMatch` takes them.
public struct CompatPattern: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    /// Among `i`, `m`, `s` and `x`; empty for none.
    public let options: String
    /// Where the pattern is written in the spec: a pattern only the server can refuse is
    /// reported there, like a problem found when the spec was loaded.
    public let line: Int?
    public let column: Int?

    /// `^[0-9]{4}-[0-9]{2}$`, or `/^a/i` with options.
    public var description: String {
        options.isEmpty ? pattern : "/\(pattern)/\(options)"
    }
}
