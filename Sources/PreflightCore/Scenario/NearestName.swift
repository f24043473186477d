/// Finds the known name a user most likely meant, for "did you mean `expectError`?" hints
/// on unknown keys, actions, operators and variables.
///
/// Distance is Damerau–Levenshtein (optimal string alignment: a swapped pair of adjacent
/// letters counts as one edit, since `$$tyep` is one slip, not two), compared
/// case-insensitively so `expecterror` finds `expectError`.
public enum NearestName {
    /// The closest candidate, or nil when none is close enough to be a helpful guess.
    ///
    /// A candidate is close enough when its distance is at most `max(2, name.count / 3)`
    /// (longer names tolerate more slips), or when one of the two is a prefix of the other
    /// (`billing` for `billing.run`, `$$unset` for `$$unsetOrMatches`). Among those the
    /// smallest distance wins; ties go to the earlier candidate, so callers control them.
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let typed = Array(name.lowercased())
        guard !typed.isEmpty else { return nil }
        let limit = max(2, typed.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let known = Array(candidate.lowercased())
            guard !known.isEmpty else { continue }
            let isPrefix = typed.starts(with: known) || known.starts(with: typed)
            // Between a name and its prefix the distance is the difference in length, so
            // `findOne` is nearer `find` than `findOneAndUpdate`. Otherwise it is at least
            // that difference: a name far longer than any candidate (a 5 MB key) is not
            // compared letter by letter.
            let distance = isPrefix ? abs(typed.count - known.count)
                : abs(typed.count - known.count) > limit ? Int.max : distance(typed, known)
            guard distance <= limit || isPrefix else { continue }
            if best.map({ distance < $0.distance }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The candidate holding text nearest `fragment`, for a `--filter` (a substring) that
    /// matched nothing: each candidate's windows of the fragment's length are compared.
    public static func containing(_ fragment: String, among candidates: [String]) -> String? {
        let typed = Array(fragment.lowercased())
        guard !typed.isEmpty, typed.count <= 200 else { return nil }
        let limit = max(2, typed.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let known = Array(candidate.lowercased())
            guard known.count >= typed.count - limit, known.count <= 10_000 else { continue }
            let width = min(typed.count, known.count)
            var nearest = Int.max
            for start in 0...(known.count - width) {
                nearest = min(nearest, distance(typed, Array(known[start..<(start + width)])))
                if nearest == 0 { break }
            }
            if nearest <= limit, best.map({ nearest < $0.distance }) ?? true { best = (candidate, nearest) }
        }
        return best?.candidate
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// transpositions of adjacent characters, each costing one.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: the transposition step looks two rows back.
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, beforePrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
