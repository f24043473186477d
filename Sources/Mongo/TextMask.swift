/// Replaces many byte patterns in a text in one pass: at each position the longest
/// pattern that starts there wins, and the text after a replacement is not looked at again.
///
/// Built once per change to `SecretValues` and then applied to every line Preflight
/// writes, so a text with no pattern in it costs one table look-up per byte and is
/// returned as it was.
struct TextMask: Sendable {
    private var patterns: [[UInt8]] = []
    private var replacements: [[UInt8]] = []
    /// The patterns by their first two bytes, longest first.
    private var byPrefix: [UInt16: [Int]] = [:]
    /// Whether some pattern starts with this byte: most bytes of most texts are not.
    private var starts = [Bool](repeating: false, count: 256)

    static let empty = TextMask([])

    /// - Parameter pairs: patterns of two bytes or more with what replaces them; shorter
    ///   ones are ignored (nothing that short is told apart from ordinary text).
    init(_ pairs: [(pattern: String, replacement: String)]) {
        for (pattern, replacement) in pairs {
            let bytes = Array(pattern.utf8)
            guard bytes.count >= 2 else { continue }
            byPrefix[Self.prefix(bytes[0], bytes[1]), default: []].append(patterns.count)
            starts[Int(bytes[0])] = true
            patterns.append(bytes)
            replacements.append(Array(replacement.utf8))
        }
        for (key, indices) in byPrefix {
            byPrefix[key] = indices.sorted { patterns[$0].count > patterns[$1].count }
        }
    }

    var isEmpty: Bool { patterns.isEmpty }

    /// `text` with every pattern replaced. Patterns are whole UTF-8 sequences, so a match
    /// starts and ends on character boundaries and the result is valid UTF-8.
    func apply(to text: String) -> String {
        guard !patterns.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var copiedUpTo = 0
        var index = 0
        while index + 1 < bytes.count {
            guard starts[Int(bytes[index])], let candidates = byPrefix[Self.prefix(bytes[index], bytes[index + 1])],
                let found = candidates.first(where: { matches(patterns[$0], in: bytes, at: index) })
            else {
                index += 1
                continue
            }
            if out.isEmpty { out.reserveCapacity(bytes.count) }
            out.append(contentsOf: bytes[copiedUpTo..<index])
            out.append(contentsOf: replacements[found])
            index += patterns[found].count
            copiedUpTo = index
        }
        guard copiedUpTo > 0 else { return text }
        out.append(contentsOf: bytes[copiedUpTo...])
        return String(decoding: out, as: UTF8.self)
    }

    private func matches(_ pattern: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 2..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    private static func prefix(_ first: UInt8, _ second: UInt8) -> UInt16 {
        UInt16(first) << 8 | UInt16(second)
    }
}
