/// A `$` key one letter away from an Extended JSON type key, where a type key would stand:
/// `{"$dat": "2026-01-05T00:00:00Z"}` is read as a document with a field `$dat`, not as a
/// date, and a test that compares it fails far from the typo, or passes on the wrong value.
/// Both readers (the fast one and libbson's, through `ExtendedJSONStrictness`) ask here
/// about the first key of each object, and such a key is an error where it stands.
public enum ExtendedJSONNearMiss {
    /// The type key `key` was most likely meant as, or nil: the same letters in another
    /// case (`$numberlong`), or one letter added, dropped or changed (two for the long
    /// keys, `$numberDeciml`). Keys MongoDB itself knows are never suggested against:
    /// `$cond` is not a misspelt `$code`, nor `$id` a misspelt `$oid`, nor the `$score`
    /// stage (MongoDB 8.2) a misspelt `$scope`.
    public static func meant(_ key: some Collection<UInt8>) -> String? {
        // `$$var` and the other `$$` names, asked about on every step that has one, and keys
        // longer than any type key can reach are ruled out before anything is copied.
        guard (3...20).contains(key.count), key.first == UInt8(ascii: "$"), key.dropFirst().first != UInt8(ascii: "$") else { return nil }
        let key = Array(key)
        if known.contains(where: { $0 == key }) { return nil }
        let lowered = key.map(lowercase)
        for (word, lowerWord) in wrappers {
            let allowed = word.count >= 10 ? 2 : 1
            guard abs(word.count - key.count) <= allowed else { continue }
            if distance(lowered, lowerWord, atMost: allowed) <= allowed {
                return String(decoding: word, as: UTF8.self)
            }
        }
        return nil
    }

    /// The message for `key`, read where `meant` is the type key it resembles.
    public static func message(_ key: String, meant: String) -> String {
        "`\(key)` is not an Extended JSON type key, so this object would be stored as a document with a field named `\(key)`; did you mean `\(meant)`?"
    }

    /// The Extended JSON type keys a value is wrapped in.
    private static let wrappers: [([UInt8], [UInt8])] = [
        "$oid", "$date", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal", "$binary", "$uuid", "$code",
        "$scope", "$timestamp", "$regularExpression", "$dbPointer", "$symbol", "$minKey", "$maxKey", "$undefined",
    ].map { (Array($0.utf8), Array($0.utf8).map(lowercase)) }

    /// Keys with a meaning of their own that lie within reach of a type key.
    private static let known: [[UInt8]] = ["$type", "$regex", "$options", "$ref", "$id", "$db", "$cond", "$score"].map { Array($0.utf8) }
        + wrappers.map(\.0)

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Levenshtein distance, stopped early once every way is past `limit`.
    private static func distance(_ a: [UInt8], _ b: [UInt8], atMost limit: Int) -> Int {
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var smallest = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                smallest = min(smallest, current[j])
            }
            if smallest > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
