/// Hides credentials in connection strings before they reach any output.
public enum URIRedaction {
    /// `mongodb://user:secret@host/` becomes `mongodb://user:***@host/`; query options
    /// that carry secrets (`password`, `tlsCertificateKeyFilePassword`, AWS session tokens
    /// in `authMechanismProperties`) are masked too.
    public static func redact(_ uri: String) -> String {
        var text = uri
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                let userInfo = rest[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    text.replaceSubrange(text.index(after: colon)..<at, with: "***")
                }
            }
        }
        guard let query = text.firstIndex(of: "?") else { return text }
        let options = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
        let masked = options.map { option -> String in
            let parts = option.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return String(option) }
            let name = parts[0].lowercased()
            let secret = ["password", "pwd", "secret", "token"].contains { name.contains($0) }
                || (name == "authmechanismproperties" && parts[1].lowercased().contains("token"))
            return secret ? "\(parts[0])=***" : String(option)
        }
        return String(text[...query]) + masked.joined(separator: "&")
    }
}
