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
        // letters: sixteen bytes are ruled out at a time, and only a block that may hold a
        // start is read byte by byte.
        while start + 17 <= bytes.count {
            if mayStart(at: UnsafeRawPointer(base + start)), wordStarts(in: bytes, from: start, to: start + 16) { return true }
            start += 16
        }
        // The last bytes, fewer than seventeen (all of a key or a short string): the same
        // on a copy padded with zeros, which start no word.
        var padded = (SIMD16<UInt8>(), SIMD16<UInt8>())
        let startsHere = withUnsafeMutableBytes(of: &padded) { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
            return mayStart(at: UnsafeRawPointer(buffer.baseAddress!))
        }
        guard startsHere else { return false }
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

    /// Whether one of the sixteen bytes at `block` starts the first two letters of a word
    /// (`pa`, `pw`, `se`, `to`, in either case); seventeen bytes are read.
    /// Never false where one does; sometimes true where none does (the `se` of `insert`,
    /// the `to` of `total`), and the bytes are then read one by one. Pairs, not any first
    /// letter before any second: `insert`'s `se` must be read, but not `filter`'s `te` or
    /// `$clusterTime`'s, which every command has.
    @inline(__always)
    private static func mayStart(at block: UnsafeRawPointer) -> Bool {
        let first = block.loadUnaligned(as: SIMD16<UInt8>.self) | 0x20
        let second = block.loadUnaligned(fromByteOffset: 1, as: SIMD16<UInt8>.self) | 0x20
        func letter(_ scalar: Unicode.Scalar) -> SIMD16<UInt8> { SIMD16(repeating: UInt8(ascii: scalar)) }
        let p = first .== letter("p"), s = first .== letter("s"), t = first .== letter("t")
        let pairs = (p .& ((second .== letter("a")) .| (second .== letter("w"))))
            .| (s .& (second .== letter("e"))) .| (t .& (second .== letter("o")))
        // `any(_:)` is a call to a generic reduction here; the sixteen lanes read as two words
        // are two loads and an `or`.
        let lanes = unsafeBitCast(pairs, to: SIMD2<UInt64>.self)
        return lanes[0] | lanes[1] != 0
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
