import Mongo

/// Turns arbitrary text (server messages, command logs, names from user files) into text
/// an XML 1.0 parser accepts and reads back unchanged.
///
/// Reports are read by CI servers that reject a whole file for one bad character, so
/// nothing reaches the XML without passing through here. Escaping is plain character
/// references, never CDATA: a `]]>` in the text cannot end anything. For the same reason,
/// known secret values (`SecretValues`) are masked here, before escaping would hide them.
enum XMLText {
    /// Text for element content: markup characters escaped, illegal characters replaced.
    ///
    /// `>` is escaped too, so `]]>` (not allowed in content) never appears; a carriage
    /// return is written as `&#13;` because parsers turn a literal one into a line feed.
    static func content(_ text: String) -> String {
        escaped(legal(SecretValues.shared.mask(text)), whiteSpaceAsReferences: false)
    }

    /// Text for an attribute value in double or single quotes.
    ///
    /// Tab, line feed and carriage return become character references: a parser's
    /// attribute-value normalisation turns the literal characters into spaces.
    static func attribute(_ text: String) -> String {
        escaped(legal(SecretValues.shared.mask(text)), whiteSpaceAsReferences: true)
    }

    /// The text with every character outside XML 1.0's `Char` production replaced by
    /// U+FFFD, and ANSI escape sequences (colours from a server's or tool's output) removed.
    ///
    /// A character reference does not help: `&#x1B;` is as invalid as the character.
    /// Swift strings hold no lone surrogates, so only C0 controls and U+FFFE/U+FFFF remain.
    static func legal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isLegal($0) }) else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.first {
            if scalar == "\u{1B}", let rest = afterANSIEscape(scalars) {
                scalars = rest
                continue
            }
            result.append(isLegal(scalar) ? scalar : "\u{FFFD}")
            scalars = scalars.dropFirst()
        }
        return String(result)
    }

    /// One line for a `message` attribute: lines trimmed and joined with spaces, at most
    /// `limit` characters. The full text belongs in the element's body.
    static func oneLine(_ text: String, limit: Int = 500) -> String {
        // Masked before it is clipped: a clipped secret would no longer match.
        let joined = SecretValues.shared.mask(text).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        guard joined.count > limit else { return joined }
        return joined.prefix(limit - 1).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// Text for an `xs:token` attribute (names, class names): legal, and with runs of XML
    /// white space collapsed to one space, as a validator reads it. Empty means the
    /// attribute would fail a `minLength="1"` facet, so callers substitute a fallback.
    static func token(_ text: String) -> String {
        legal(SecretValues.shared.mask(text)).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .joined(separator: " ")
    }

    private static func isLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x0..<0x20, 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// What follows the ANSI escape sequence `scalars` starts with (at an ESC), or `nil`
    /// when the ESC starts no sequence and is just an illegal character.
    ///
    /// Covers CSI (`ESC [ 31 m`, cursor moves), OSC (`ESC ] … BEL`, window titles and
    /// links) and the two-character escapes. An OSC without its terminator ends at the line
    /// end, so one stray sequence cannot swallow the rest of a log.
    private static func afterANSIEscape(_ scalars: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView? {
        var rest = scalars.dropFirst()
        guard let introducer = rest.first else { return nil }
        switch introducer.value {
        case 0x5B:  // [
            rest = rest.dropFirst().drop { (0x20...0x3F).contains($0.value) }
            if let final = rest.first, (0x40...0x7E).contains(final.value) { rest = rest.dropFirst() }
            return rest
        case 0x5D:  // ]
            rest = rest.dropFirst().drop { $0 != "\u{7}" && $0 != "\u{1B}" && $0 != "\n" && $0 != "\r" }
            if rest.first == "\u{7}" {
                rest = rest.dropFirst()
            } else if rest.first == "\u{1B}", rest.dropFirst().first == "\\" {
                rest = rest.dropFirst(2)
            }
            return rest
        default:
            let afterIntermediates = rest.drop { (0x20...0x2F).contains($0.value) }
            guard let final = afterIntermediates.first, (0x30...0x7E).contains(final.value) else { return nil }
            return afterIntermediates.dropFirst()
        }
    }

    private static func escaped(_ text: String, whiteSpaceAsReferences: Bool) -> String {
        // Every character escaped here is ASCII, and no byte of a multi-byte UTF-8
        // sequence is one: the text is read byte by byte, returned as it is when nothing
        // needs escaping, and otherwise copied once (a command log or a file's vars can
        // run to many kilobytes).
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let first = bytes.firstIndex(where: { reference(for: $0, whiteSpaceAsReferences) != nil }) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8 + 8)
            out.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                if let reference = reference(for: byte, whiteSpaceAsReferences) {
                    out.append(contentsOf: reference.utf8)
                } else {
                    out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    /// What an ASCII byte is written as, when not as itself.
    @inline(__always)
    private static func reference(for byte: UInt8, _ whiteSpaceAsReferences: Bool) -> String? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&apos;"
        case UInt8(ascii: "\r"): "&#13;"
        case UInt8(ascii: "\t") where whiteSpaceAsReferences: "&#9;"
        case UInt8(ascii: "\n") where whiteSpaceAsReferences: "&#10;"
        default: nil
        }
    }
}
