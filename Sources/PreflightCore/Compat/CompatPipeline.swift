import Mongo

/// The server-side expressions of a compat scan: every count is made inside the server,
/// so Preflight's memory does not grow with the collection and a sharded cluster counts
/// on every shard at once.
///
/// The counting pipeline, for fields `f0…fn` (`tN` the type of field N, `sN` its value
/// when it has a pattern):
///
///     {$match: scope}                                       (only with a scope)
///     {$project: {_id: 0, t0: <type of f0>, s0: "$f0", …}}
///     {$group: {_id: null, documents: {$sum: 1},
///               a0: {$sum: {$cond: [{$in: ["$t0", [allowed…]]}, 1, 0]}},            allowed
///               m0: {$sum: {$cond: [{$eq: ["$t0", "missing"]}, 1, 0]}},               missing
///               w0: {$sum: {$cond: [{$not: [{$in: ["$t0", [allowed…, "missing"]]}]}, 1, 0]}},
///               p0: {$sum: {$cond: [{$and: [{$eq: ["$t0", "string"]},
///                                          {$not: [{$regexMatch: {input: "$s0", …}}]}]}, 1, 0]}}, …}}
///
/// The types are projected first so each field's type is worked out once per document,
/// not once per counter.
struct CompatPipeline {
    let spec: CompatSpec

    /// A field's type as the server's `$type` expression names it (`missing` when absent),
    /// except that a dotted path through an array is `array`.
    ///
    /// mongod evaluates `$a.b` through an array `a` to the array of the elements' `b`s
    /// (so `$type` says `array`, even for an empty `a`), while SecantusDB says `missing`.
    /// Checking each step of the path first gives `array` on both: compat does not look
    /// inside arrays, and says so rather than reporting the field as absent.
    static func typeExpression(_ path: String) -> BSON {
        let segments = path.split(separator: ".").map(String.init)
        var expression: BSON = ["$type": .string("$" + path)]
        for end in stride(from: segments.count - 1, through: 1, by: -1) {
            let prefix = "$" + segments[..<end].joined(separator: ".")
            expression = ["$cond": [["$eq": [["$type": .string(prefix)], "array"]], "array", expression]]
        }
        return expression
    }

    /// True when `type` (an expression) is not one the field allows; nil when it allows any.
    static func wrongType(_ field: CompatField, type: BSON) -> BSON? {
        guard let allowed = field.serverTypes else { return nil }
        return ["$not": [["$in": [type, .array((allowed + ["missing"]).map(BSON.string))]]]]
    }

    static func isMissing(type: BSON) -> BSON {
        ["$eq": [type, "missing"]]
    }

    static func isAllowed(_ field: CompatField, type: BSON) -> BSON {
        guard let allowed = field.serverTypes else { return ["$ne": [type, "missing"]] }
        return ["$in": [type, .array(allowed.map(BSON.string))]]
    }

    /// True for a string that does not match the pattern. `$and` stops at the type test,
    /// so `$regexMatch`, which refuses anything but a string, sees only strings.
    static func patternMismatch(_ pattern: CompatPattern, type: BSON, value: BSON) -> BSON {
        var match: BSONDocument = ["input": value, "regex": .string(pattern.pattern)]
        if !pattern.options.isEmpty { match["options"] = .string(pattern.options) }
        return ["$and": [["$eq": [type, "string"]], ["$not": [["$regexMatch": .document(match)]]]]]
    }

    // MARK: Pipelines

    /// The one aggregation that counts every field at once.
    var counting: [BSON] {
        var accumulators: BSONDocument = ["_id": .null, "documents": ["$sum": 1]]
        for (index, field) in spec.fields.enumerated() {
            let type = BSON.string("$t\(index)")
            accumulators["a\(index)"] = Self.count(Self.isAllowed(field, type: type))
            accumulators["m\(index)"] = Self.count(Self.isMissing(type: type))
            if let wrong = Self.wrongType(field, type: type) { accumulators["w\(index)"] = Self.count(wrong) }
            if let pattern = field.pattern {
                accumulators["p\(index)"] = Self.count(Self.patternMismatch(pattern, type: type, value: .string("$s\(index)")))
            }
        }
        let projection = typeProjection(spec.fields.indices)
        return scopeStage + (projection.count > 1 ? [["$project": .document(projection)]] : []) + [["$group": .document(accumulators)]]
    }

    /// Counts of the wrong types of the fields at `indices`, by type: read only when some
    /// field has wrong types, so a passing scan stays one pass. Each result is
    /// `{_id: {f: index, t: type}, n: count}`.
    func wrongTypeBreakdown(_ indices: [Int]) -> [BSON] {
        var anyWrong: [BSON] = []
        var pairs: [BSON] = []
        for index in indices {
            guard let wrong = Self.wrongType(spec.fields[index], type: .string("$t\(index)")) else { continue }
            anyWrong.append(wrong)
            pairs.append(["$cond": [wrong, ["f": ["$literal": .int32(Int32(index))], "t": .string("$t\(index)")], .null]])
        }
        return scopeStage + [
            ["$project": .document(typeProjection(indices, values: false))],
            ["$match": ["$expr": ["$or": .array(anyWrong)]]],
            ["$project": ["_id": 0, "w": .array(pairs)]],
            ["$unwind": "$w"],
            ["$match": ["w": ["$ne": .null]]],
            ["$group": ["_id": "$w", "n": ["$sum": 1]]],
        ]
    }

    /// `{_id: 0, t0: <type of f0>, s0: "$f0", …}`; values only for fields with a pattern.
    private func typeProjection(_ indices: some Sequence<Int>, values: Bool = true) -> BSONDocument {
        var projection: BSONDocument = ["_id": 0]
        for index in indices {
            let field = spec.fields[index]
            projection["t\(index)"] = Self.typeExpression(field.path)
            if values && field.pattern != nil { projection["s\(index)"] = .string("$" + field.path) }
        }
        return projection
    }

    private var scopeStage: [BSON] {
        spec.scope.map { [["$match": .document($0)]] } ?? []
    }

    private static func count(_ condition: BSON) -> BSON {
        ["$sum": ["$cond": [condition, 1, 0]]]
    }

    // MARK: Filters

    /// `filters` within the spec's scope, as one filter.
    func scoped(_ filters: [BSONDocument]) -> BSONDocument {
        let clauses = (spec.scope.map { [$0] } ?? []) + filters
        if clauses.count == 1 { return clauses[0] }
        return ["$and": .array(clauses.map(BSON.document))]
    }

    /// The documents in scope for which `condition` (an aggregation expression) is true.
    func matching(_ condition: BSON) -> BSONDocument {
        scoped([["$expr": condition]])
    }
}
