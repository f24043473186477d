/// The values libbson's JSON reader would change in silence, found in the text before it
/// reads it: a Decimal128 that does not parse (read as NaN), an integer outside int64
/// (wrapped), a `$numberDouble` that is not a number (read as 0), a date that does not
/// exist (rolled over), an ObjectId that is not 24 hex digits, bare `NaN` / `Infinity`.
/// A test must never pass on a value nobody wrote, so each is an error where it stands.
///
/// This reads tokens, not values: libbson still does the parsing. It follows strings and
/// bare words, and looks at the string after each Extended JSON type key.
enum ExtendedJSONStrictness {
    /// The first value that would not be read as written: its byte offset and why.
    ///
    /// Every key and value of a file passes through here, so nothing is copied out of the
    /// text unless it can matter: a key is kept as where it stands, and made a `String`
    /// only when it is a type key (`$…`) or one checked inside one (`t`, `i`, `options`).
    static func firstProblem(in bytes: [UInt8]) -> (offset: Int, message: String)? {
        // libbson's own message would stop at the NUL, losing what it says.
        if let nul = bytes.firstIndex(of: 0) {
            return (nul, "a NUL byte (0x00) cannot stand in JSON text; inside a string, write \\u0000")
        }
        var index = 0
        // The last key's opening quote, and whether its value is what comes next.
        var keyStart = 0
        var keyIsPending = false
        var keyMatters = false
        func key() -> String { string(bytes, from: keyStart).0 }
        // For each open object or array, the key it is the value of: `$timestamp`'s `t`
        // and `i` and `$regularExpression`'s `options` are checked inside their objects.
        var owners: [Owner] = []
        // Just after `{`: the next key stands where a type key would.
        var objectJustOpened = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index
                index = stringEnd(bytes, from: index)
                // A key is a string followed by a colon.
                var after = index
                while after < bytes.count, JSONBytes.isWhitespace(bytes[after]) { after += 1 }
                if after < bytes.count, bytes[after] == UInt8(ascii: ":") {
                    keyStart = start
                    keyIsPending = true
                    keyMatters = matters(bytes, start + 1, index - 1)
                    if objectJustOpened, keyMatters {
                        let key = key()
                        if let meant = ExtendedJSONNearMiss.meant(key) { return (start, ExtendedJSONNearMiss.message(key, meant: meant)) }
                    }
                    objectJustOpened = false
                    continue
                }
                if keyIsPending && keyMatters {
                    let key = key(), text = string(bytes, from: start).0
                    if let problem = typedValueProblem(key, text) { return (start, problem) }
                    if key == "options", owners.last == .regularExpression, let problem = regexOptionsProblem(text) {
                        return (start, problem)
                    }
                }
                keyIsPending = false
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, isNumberByte(bytes[index]) { index += 1 }
                // Most numbers are short integers: nothing to check, nothing to copy.
                if isShortInteger(bytes, start, index) && !(keyIsPending && keyMatters) {
                    keyIsPending = false
                    continue
                }
                let token = String(decoding: bytes[start..<index], as: UTF8.self)
                if token == "-", index < bytes.count, isLetter(bytes[index]) {
                    let end = wordEnd(bytes, index)
                    if bytes[index..<end].elementsEqual("Infinity".utf8) { return (start, bareSpecial("-Infinity")) }
                    index = end
                    continue
                }
                if let problem = numberProblem(token) { return (start, problem) }
                if keyIsPending && keyMatters, owners.last == .timestamp {
                    let key = key()
                    if key == "t" || key == "i", UInt32(token) == nil {
                        return (start, "{\"$timestamp\": {\"\(key)\": \(token)}} is not a timestamp's \(key == "t" ? "seconds" : "increment"): it takes a whole number from 0 to 4294967295")
                    }
                }
                keyIsPending = false
            case _ where isLetter(byte):
                let end = wordEnd(bytes, index)
                // true, false and null start with other letters.
                if byte == UInt8(ascii: "N") || byte == UInt8(ascii: "I") {
                    for special in ["NaN", "Infinity"] where bytes[index..<end].elementsEqual(special.utf8) {
                        return (index, bareSpecial(special))
                    }
                }
                index = end
                keyIsPending = false
            default:
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    owners.append(keyIsPending && keyMatters ? Owner(key()) : .other)
                }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { _ = owners.popLast() }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ",") { keyIsPending = false }
                if !JSONBytes.isWhitespace(byte) { objectJustOpened = byte == UInt8(ascii: "{") }
                index += 1
            }
        }
        return nil
    }

    /// What an open object or array is the value of, where that decides a check inside it.
    private enum Owner {
        case timestamp, regularExpression, other

        init(_ key: String) {
            self = key == "$timestamp" ? .timestamp : key == "$regularExpression" ? .regularExpression : .other
        }
    }

    /// Whether the key written in `bytes[start..<end]` can decide a check: a type key, a
    /// key checked inside one, or one with an escape (read whole, as before).
    private static func matters(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        let first = bytes[start]
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "\\") { return true }
        // By length first: comparing every key of a file with three words byte by byte
        // cost more than the rest of the scan.
        switch end - start {
        case 1: return first == UInt8(ascii: "t") || first == UInt8(ascii: "i")
        case 7 where first == UInt8(ascii: "o"): return bytes[start..<end].elementsEqual("options".utf8)
        default: return bytes[start..<end].contains(UInt8(ascii: "\\"))
        }
    }

    /// An optional minus and at most 18 digits: an int64 whatever the digits.
    private static func isShortInteger(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        let digits = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
        return digits < end && end - digits <= 18 && bytes[digits..<end].allSatisfy(JSONBytes.isDigit)
    }

    /// The offset after the closing quote of the string whose opening quote is at `start`.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count ? 2 : 1
        }
        return min(index + 1, bytes.count)
    }

    private static func wordEnd(_ bytes: [UInt8], _ start: Int) -> Int {
        var end = start
        while end < bytes.count, isLetter(bytes[end]) || JSONBytes.isDigit(bytes[end]) { end += 1 }
        return end
    }

    // MARK: - Tokens

    /// The string starting at the quote at `start`, unescaped enough to compare with the
    /// type keys and check values (escapes other than `\"` and `\\` are kept as written),
    /// and the offset after its closing quote.
    private static func string(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        var index = start + 1
        var text: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") { text.append(next) } else { text += [bytes[index], next] }
                index += 2
                continue
            }
            text.append(bytes[index])
            index += 1
        }
        return (String(decoding: text, as: UTF8.self), min(index + 1, bytes.count))
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        JSONBytes.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    private static func bareSpecial(_ word: String) -> String {
        "bare \(word) is not JSON and would not be read as written; write {\"$numberDouble\": \"\(word)\"}"
    }

    // MARK: - Values

    /// A plain JSON number: an integer must fit int64 (libbson wraps a larger one), a
    /// number with a fraction or exponent must be a finite double.
    static func numberProblem(_ token: String) -> String? {
        let isInteger = !token.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger {
            guard Int64(token) == nil else { return nil }
            guard token.dropFirst(token.hasPrefix("-") ? 1 : 0).allSatisfy(\.isNumber) else { return nil }  // libbson reports it
            return "the integer \(token) is outside int64 (−9223372036854775808 to 9223372036854775807); write it as {\"$numberDecimal\": \"\(token)\"} or a double such as \(token).0"
        }
        if let value = Double(token), !value.isFinite {
            return "the number \(token) is outside a double's range; write {\"$numberDecimal\": \"\(token)\"} for a Decimal128"
        }
        return nil
    }

    /// The string after an Extended JSON type key, checked as that type reads it.
    static func typedValueProblem(_ key: String, _ text: String) -> String? {
        switch key {
        case "$numberInt":
            return Int32(text) == nil || !isPlainInteger(text) ? "{\"$numberInt\": \"\(text)\"} is not an int32 (a whole number from −2147483648 to 2147483647)" : nil
        case "$numberLong":
            return Int64(text) == nil || !isPlainInteger(text) ? "{\"$numberLong\": \"\(text)\"} is not an int64 (a whole number from −9223372036854775808 to 9223372036854775807)" : nil
        case "$numberDouble":
            if ["Infinity", "-Infinity", "NaN"].contains(text) { return nil }
            guard isDecimalSyntax(text, signs: ["-"]), let value = Double(text) else {
                return "{\"$numberDouble\": \"\(text)\"} is not a number (write digits, or \"Infinity\", \"-Infinity\", \"NaN\")"
            }
            return value.isFinite ? nil : "{\"$numberDouble\": \"\(text)\"} is outside a double's range"
        case "$numberDecimal":
            return decimalProblem(text).map { "{\"$numberDecimal\": \"\(text)\"} \($0)" }
        case "$options":
            return regexOptionsProblem(text)
        case "$oid":
            return text.utf8.count == 24 && text.utf8.allSatisfy({ $0 < 128 && Character(Unicode.Scalar($0)).isHexDigit })
                ? nil : "{\"$oid\": \"\(text)\"} is not an ObjectId: it takes exactly 24 hexadecimal digits"
        case "$date":
            return dateProblem(text).map { "{\"$date\": \"\(text)\"} \($0)" }
        default:
            return nil
        }
    }

    /// Options libbson keeps in a regular expression; it drops any other letter in silence.
    static func regexOptionsProblem(_ options: String) -> String? {
        let unknown = options.filter { !"ilmsux".contains($0) }
        guard !unknown.isEmpty else { return nil }
        return "the regular expression options \"\(options)\" hold \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")), which would be dropped; the options are i, l, m, s, u and x"
    }

    private static func isPlainInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `[sign]digits[.digits][e[sign]digits]`, or `.digits…`.
    private static func isDecimalSyntax(_ text: String, signs: Set<Character>) -> Bool {
        var characters = Substring(text)
        if let first = characters.first, signs.contains(first) { characters = characters.dropFirst() }
        let parts = characters.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard let mantissa = parts.first, parts.count <= 2 else { return false }
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count <= 2, pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              pieces.contains(where: { !$0.isEmpty }) else { return false }
        if parts.count == 2 {
            var exponent = parts[1]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        return true
    }

    /// Why a Decimal128 string would not be read exactly: bad syntax, more than 34
    /// significant digits, or an exponent outside the format's range.
    static func decimalProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        let unsigned = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity", "nan"].contains(unsigned) { return nil }
        guard isDecimalSyntax(text, signs: ["-", "+"]) else {
            return "is not a decimal number (digits with an optional point and exponent, such as \"100.50\" or \"1E+3\")"
        }
        let body = unsigned
        let exponentSplit = body.split(whereSeparator: { $0 == "e" }).map(String.init)
        let mantissa = exponentSplit[0]
        guard let written = exponentSplit.count == 2 ? Int(exponentSplit[1]) : 0 else {
            return "has an exponent outside Decimal128's range"
        }
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let fraction = pieces.count == 2 ? String(pieces[1]) : ""
        var digits = String(pieces[0]) + fraction
        while digits.count > 1, digits.first == "0" { digits.removeFirst() }
        let exponent = written - fraction.count
        if digits.count > 34 { return "has \(digits.count) significant digits; Decimal128 holds 34, so it would be rounded" }
        if exponent < -6176 || exponent + digits.count - 1 > 6144 || (digits == "0" && exponent > 6111) {
            return "is outside Decimal128's range (exponents from -6176 to 6144)"
        }
        return nil
    }

    /// An ISO-8601 date libbson would roll over (a day the month does not have, an hour,
    /// minute or second out of range), or text that does not start as a date at all. The
    /// other shapes after `YYYY-MM-DD` are left to libbson, which reads or refuses them.
    static func dateProblem(_ text: String) -> String? {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count, scalars[range].allSatisfy(JSONBytes.isDigit) else { return nil }
            return Int(String(decoding: scalars[range], as: UTF8.self))
        }
        // libbson reads only ISO 8601 here, and its own message for anything else names
        // neither the key nor the form.
        guard scalars.count >= 10, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return "is not a date: write it in ISO 8601, such as 2026-01-05T00:00:00Z" }
        guard (1...12).contains(month) else { return "has no month \(month)" }
        let days = JSONBytes.days(inMonth: month, of: year)
        guard (1...days).contains(day) else { return "is not a date: \(String(format: "%04d-%02d", year, month)) has \(days) days" }
        guard scalars.count >= 16, scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "),
              let hour = number(11..<13), let minute = number(14..<16) else { return nil }
        if hour > 23 { return "has no hour \(hour)" }
        if minute > 59 { return "has no minute \(minute)" }
        if scalars.count >= 19, scalars[16] == UInt8(ascii: ":"), let second = number(17..<19), second > 59 {
            return "has no second \(second)"
        }
        return nil
    }
}
