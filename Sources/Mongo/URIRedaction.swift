import Foundation

/// Hides credentials in connection strings before they reach any output.
public enum URIRedaction {
    /// `mongodb://user:secret@host/` becomes `mongodb://user:***@host/`, whatever the
    /// password holds (`/`, `?`, `@` and `:` unencoded included); query options that carry
    /// secrets (`password`, `tlsCertificateKeyFilePassword`, AWS session tokens in
    /// `authMechanismProperties`) are masked too.
    public static func redact(_ uri: String) -> String {
        guard let parts = Parts(uri) else { return uri }
        var head = String(uri[..<parts.hosts])
        if let password = parts.password {
            head = String(uri[..<password.lowerBound]) + "***" + String(uri[password.upperBound..<parts.hosts])
        }
        let tail = uri[parts.hosts...]
        guard let query = tail.firstIndex(of: "?") else { return head + tail }
        let masked = tail[tail.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { option in
            secretOptionValue(option) == nil ? String(option) : String(option.prefix { $0 != "=" }) + "=***"
        }
        return head + tail[...query] + masked.joined(separator: "&")
    }

    /// What in `uri` is secret, for `SecretValues`: `values` (the password as written and
    /// decoded, its pieces between `/ ? @ :`, secret option values) and `fragments`, the
    /// texts around the password's unencoded separators (`alice:pa`, `ss@`).
    ///
    /// libmongoc splits a string whose password holds an unencoded `/` or `@` at the wrong
    /// place and quotes what it took for a host (`Failed to resolve passw0rd@127.0.0.1`):
    /// a piece too short to mask on its own is still masked with the separator beside it.
    public static func secrets(in uri: String) -> (values: [String], fragments: [String]) {
        guard let parts = Parts(uri) else { return ([], []) }
        var values: [String] = []
        var fragments: [String] = []
        if let range = parts.password {
            let password = uri[range]
            values.append(String(password))
            if let decoded = password.removingPercentEncoding { values.append(decoded) }
            let separators: Set<Character> = ["/", "?", "@", ":", ","]
            values += password.split(whereSeparator: { separators.contains($0) }).map(String.init)
            let user = uri[parts.userInfo.lowerBound..<uri.index(before: range.lowerBound)]
            for index in password.indices where separators.contains(password[index]) {
                fragments.append(String(user) + ":" + String(password[..<index]))
                fragments.append(String(password[password.index(after: index)...]) + "@")
            }
        }
        let tail = uri[parts.hosts...]
        if let query = tail.firstIndex(of: "?") {
            for option in tail[tail.index(after: query)...].split(separator: "&") {
                guard let value = secretOptionValue(option) else { continue }
                var secret = [value]
                if option.lowercased().hasPrefix("authmechanismproperties=") {
                    // `AWS_SESSION_TOKEN:…,SERVICE_NAME:…`: the token alone may be quoted.
                    secret += value.split(separator: ",").compactMap { property in
                        let pair = property.split(separator: ":", maxSplits: 1)
                        return pair.count == 2 && pair[0].lowercased().contains("token") ? pair[1] : nil
                    }
                }
                for value in secret {
                    values.append(String(value))
                    if let decoded = value.removingPercentEncoding { values.append(decoded) }
                }
            }
        }
        return (values, fragments)
    }

    /// The value of a query option that carries a secret, or nil.
    private static func secretOptionValue(_ option: Substring) -> Substring? {
        let parts = option.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let name = parts[0].lowercased()
        let secret = ["password", "pwd", "secret", "token"].contains { name.contains($0) }
            || (name == "authmechanismproperties" && parts[1].lowercased().contains("token"))
        return secret ? parts[1] : nil
    }

    /// Where a connection string's user information, password and hosts are.
    private struct Parts {
        /// From after `://` to the `@` that ends the user information (empty without one).
        var userInfo: Range<String.Index>
        /// After the first `:` of the user information; nil without one.
        var password: Range<String.Index>?
        /// Where the host list starts.
        var hosts: String.Index

        init?(_ uri: String) {
            guard let scheme = uri.range(of: "://") else { return nil }
            let rest = uri[scheme.upperBound...]
            guard let at = Self.userInfoEnd(in: rest) else {
                userInfo = scheme.upperBound..<scheme.upperBound
                hosts = scheme.upperBound
                return
            }
            userInfo = scheme.upperBound..<at
            hosts = uri.index(after: at)
            if let colon = rest[..<at].firstIndex(of: ":") { password = uri.index(after: colon)..<at }
        }

        /// The `@` that ends the user information: the last one followed by what reads as
        /// a host list (up to the next `/` or `?`), else the last one.
        ///
        /// A password may hold unencoded `/`, `?`, `@` and `:` (libmongoc rejects some of
        /// them, but the string is printed all the same), so neither the first `@` nor
        /// the first `/` can be trusted; a host never holds an `@`, so the last `@` before
        /// the hosts is the right one. An `@` in a query option is taken for it too, which
        /// hides more than needed and never less.
        private static func userInfoEnd(in rest: Substring) -> String.Index? {
            var end = rest.endIndex
            var last: String.Index?
            while let at = rest[..<end].lastIndex(of: "@") {
                let hosts = rest[rest.index(after: at)...].prefix { $0 != "/" && $0 != "?" }
                if !hosts.isEmpty && hosts.allSatisfy(Self.isHostCharacter) { return at }
                last = last ?? at
                end = at
            }
            return last
        }

        /// Names, IPv4 and bracketed IPv6 addresses, ports, commas between hosts, and the
        /// percent-encoded path of a Unix socket.
        private static func isHostCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || ".-_:,[]%".contains(character))
        }
    }
}
