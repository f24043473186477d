/// Whether a text names a secret: `password`, `passwd`, `pwd`, `secret` or `token` in any
/// case, anywhere in it. Asked of every key of every command and reply a run sends and
/// receives, so it reads the UTF-8 bytes directly instead of lower-casing a copy and
/// searching it through Foundation, which cost a fifth of a run's time.
enum SensitiveWords {
    static let words = ["password", "passwd", "pwd", "secret", "token"]
    private static let patterns: [[UInt8]] = words.map { Array($0.utf8) }

    static func appear(in text: String) -> Bool {
        var text = text
        return text.withUTF8 { appear(inUTF8: $0) }
    }

    /// The same for UTF-8 bytes: a key or string of a command or reply, read in place.
    static func appear(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count < 3 { return false }
        // Outside ASCII, lower-casing can make these words out of other letters (the
        // Kelvin sign lower-cases to `k`): such text takes the exact, slow way.
        if bytes.contains(where: { $0 >= 0x80 }) {
            let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
            return words.contains { lowered.contains($0) }
        }
        return search(bytes)
    }

    /// Whether the words may appear in a key or a string of the BSON document `bytes`: a
    /// search of the whole encoding, types, lengths and numbers included. It can answer
    /// yes for a document that has no such key or string (a number whose bytes spell
    /// `pwd`), never no for one that has: keys and strings are stored as their UTF-8
    /// bytes. Lower-casing turns one non-ASCII letter into one of these words' letters, the
    /// Kelvin sign into `k`, so its three bytes count as a `k`.
    static func mayAppear(inBSON bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(search)
    }

    /// Whether a word starts anywhere in `bytes`, ASCII case folded, the Kelvin sign read as `k`.
    private static func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        while start < bytes.count {
            // Only the letters these words begin with can start a match: one table lookup
            // per byte, as every command and reply of a run is searched.
            // And only `pa`, `pw`, `se`, `to` can begin one (the Kelvin sign stands for the
            // `k` of `token`, never for a first or second letter).
            guard startsWord[Int(bytes[start])], start + 1 < bytes.count, secondLetters.contains(bytes[start + 1] | 0x20) else {
                start += 1
                continue
            }
            let first = bytes[start] | 0x20
            for pattern in patterns where pattern[0] == first && matches(pattern, in: bytes, from: start + 1) {
                return true
            }
            start += 1
        }
        return false
    }

    /// The second letters of the words, lower case.
    private static let secondLetters: [UInt8] = Array(Set(patterns.map { $0[1] }))

    /// `p`, `s` and `t` in either case: the first letters of the words.
    private static let startsWord: [Bool] = (0..<256).map { byte in
        [UInt8(ascii: "p"), UInt8(ascii: "s"), UInt8(ascii: "t")].contains(UInt8(byte) | 0x20)
    }

    /// Whether `pattern` after its first letter continues at `index`, folding ASCII case
    /// and reading the Kelvin sign as `k`.
    private static func matches(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Bool {
        var index = index
        for letter in pattern.dropFirst() {
            guard index < bytes.count else { return false }
            if lowercased(bytes[index]) == letter {
                index += 1
            } else if letter == UInt8(ascii: "k"), index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x84,
                bytes[index + 2] == 0xAA
            {
                index += 3
            } else {
                return false
            }
        }
        return true
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
