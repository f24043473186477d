/// A `$` key one letter away from an Extended JSON type key, where a type key would stand:
/// `{"$dat": "2026-01-05T00:00:00Z"}` is read as a document with a field `$dat`, not as a
/// date, and a test that compares it fails far from the typo, or passes on the wrong value.
/// Both readers (the fast one and libbson's, through `ExtendedJSONStrictness`) ask here
/// about the first key of each object, and such a key is an error where it stands.
///
/// The fast reader asks of every operator that opens an object (`$set`, `$gte`, `$match`),
/// so nothing here allocates: most keys are ruled out by length or by a second edit.
public enum ExtendedJSONNearMiss {
    /// The type key `key` was most likely meant as, or nil: the same letters in another
    /// case (`$numberlong`), or one letter added, dropped or changed (two for the long
    /// keys, `$numberDeciml`). Keys MongoDB itself knows are never suggested against:
    /// `$cond` is not a misspelt `$code`, nor `$id` a misspelt `$oid`, nor the `$score`
    /// stage (MongoDB 8.2) a misspelt `$scope`.
    public static func meant(_ key: UnsafeBufferPointer<UInt8>) -> String? {
        // `$$var` and the other `$$` names, asked about on every step that has one, and keys
        // longer than any type key can reach are ruled out first.
        guard (3...20).contains(key.count), key[0] == UInt8(ascii: "$"), key[1] != UInt8(ascii: "$") else { return nil }
        if known.contains(where: { $0.count == key.count && $0.elementsEqual(key) }) { return nil }
        for (name, lowered) in wrappers {
            let allowed = lowered.count >= 10 ? 2 : 1
            guard abs(lowered.count - key.count) <= allowed else { continue }
            if allowed == 1 ? withinOneEdit(key, lowered) : distance(key, lowered, atMost: allowed) <= allowed { return name }
        }
        return nil
    }

    public static func meant(_ key: String) -> String? {
        var key = key
        return key.withUTF8 { meant($0) }
    }

    /// The message for `key`, read where `meant` is the type key it resembles.
    public static func message(_ key: String, meant: String) -> String {
        "`\(key)` is not an Extended JSON type key, so this object would be stored as a document with a field named `\(key)`; did you mean `\(meant)`?"
    }

    /// The Extended JSON type keys a value is wrapped in, and their letters in lower case.
    static let wrappers: [(String, [UInt8])] = [
        "$oid", "$date", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal", "$binary", "$uuid", "$code",
        "$scope", "$timestamp", "$regularExpression", "$dbPointer", "$symbol", "$minKey", "$maxKey", "$undefined",
    ].map { ($0, Array($0.utf8).map(JSONBytes.lowercased)) }

    /// Keys with a meaning of their own: every key libbson's reader gives one, and
    /// MongoDB's within reach of a type key.
    static let known: [[UInt8]] = FastJSONReader.typeKeyNames + ["$cond", "$score"].map { Array($0.utf8) }

    /// Whether `key`, case folded, is at most one insertion, deletion or substitution
    /// away from `word`: Levenshtein distance at most 1, read in one pass.
    private static func withinOneEdit(_ key: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        var i = 0, j = 0, edits = 0
        while i < key.count && j < word.count {
            if JSONBytes.lowercased(key[i]) == word[j] {
                i += 1
                j += 1
                continue
            }
            edits += 1
            if edits > 1 { return false }
            // The longer side has the extra letter; of equal lengths, one letter differs.
            if key.count > word.count {
                i += 1
            } else if key.count < word.count {
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        return edits + (key.count - i) + (word.count - j) <= 1
    }

    /// Levenshtein distance of `key`, case folded, to `word`, stopped early once every way
    /// is past `limit`; its two rows live on the stack.
    private static func distance(_ key: UnsafeBufferPointer<UInt8>, _ word: [UInt8], atMost limit: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (word.count + 1)) { rows in
            var previous = rows.baseAddress!, current = previous + word.count + 1
            for j in 0...word.count { previous[j] = j }
            for i in 1...key.count {
                current[0] = i
                var smallest = i
                let letter = JSONBytes.lowercased(key[i - 1])
                for j in 1...word.count {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter == word[j - 1] ? 0 : 1))
                    smallest = min(smallest, current[j])
                }
                if smallest > limit { return limit + 1 }
                swap(&previous, &current)
            }
            return previous[word.count]
        }
    }
}
