import Mongo

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
        guard let base = bytes.baseAddress else { return false }
        var start = 0
        // Every command and reply of a run is searched, and few hold a word's first two
        // letters: eight bytes are ruled out at a time, and only a block that may hold a
        // start is read byte by byte.
        while start + 9 <= bytes.count {
            let block = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
            let following = UnsafeRawPointer(base + start + 1).loadUnaligned(as: UInt64.self)
            if mayStart(block, following), wordStarts(in: bytes, from: start, to: start + 8) { return true }
            start += 8
        }
        return wordStarts(in: bytes, from: start, to: bytes.count)
    }

    /// Whether a word starts at one of `start..<end`.
    private static func wordStarts(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        for start in start..<end {
            // Only `pa`, `pw`, `se`, `to` can begin one (the Kelvin sign stands for the
            // `k` of `token`, never for a first or second letter).
            guard startsWord[Int(bytes[start])], start + 1 < bytes.count, secondLetters.contains(bytes[start + 1] | 0x20) else {
                continue
            }
            let first = bytes[start] | 0x20
            for pattern in patterns where pattern[0] == first && matches(pattern, in: bytes, from: start + 1) {
                return true
            }
        }
        return false
    }

    /// Whether some byte of `block` may start a word: the first two letters of one (`pa`,
    /// `pw`, `se`, `to`, in either case), the second in `following` (the bytes one further
    /// on). Never false where one does; sometimes true where none does (the bytes are then
    /// read one by one). Pairs, not any first letter before any second: `insert`'s `se`
    /// must be read, but not `filter`'s `te` or `$clusterTime`'s, which every command has.
    @inline(__always)
    private static func mayStart(_ block: UInt64, _ following: UInt64) -> Bool {
        let first = block | 0x2020_2020_2020_2020, second = following | 0x2020_2020_2020_2020
        let p = zeroBytes(first ^ repeated("p")), s = zeroBytes(first ^ repeated("s")), t = zeroBytes(first ^ repeated("t"))
        let pairs =
            p & (zeroBytes(second ^ repeated("a")) | zeroBytes(second ^ repeated("w")))
            | s & zeroBytes(second ^ repeated("e")) | t & zeroBytes(second ^ repeated("o"))
        return pairs != 0
    }

    /// The top bit of each byte that is zero in `value`, and perhaps of a byte above one
    /// that is (the borrow of the subtraction): a superset, never missing a zero byte.
    @inline(__always)
    private static func zeroBytes(_ value: UInt64) -> UInt64 {
        (value &- 0x0101_0101_0101_0101) & ~value & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private static func repeated(_ letter: Unicode.Scalar) -> UInt64 {
        UInt64(letter.value) &* 0x0101_0101_0101_0101
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
            if JSONBytes.lowercased(bytes[index]) == letter {
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
}
