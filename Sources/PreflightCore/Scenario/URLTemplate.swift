/// An `http` step's or a readiness check's URL, whose `{name}` placeholders stand for
/// variables (`http://127.0.0.1:{preflight.ports.api}/orders/{orderId}`). Braces are not
/// allowed in a URL, so a placeholder is never mistaken for text.
enum URLTemplate {
    /// `url` with each `{name}` replaced by `value(name)`; nil when a `{` has no `}`.
    static func filled(_ url: String, _ value: (String) throws -> String) rethrows -> String? {
        var filled = ""
        var rest = Substring(url)
        while let open = rest.firstIndex(of: "{") {
            filled += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            filled += try value(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return filled + rest
    }
}
