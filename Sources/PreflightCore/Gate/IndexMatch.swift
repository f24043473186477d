import Mongo

/// Finds a required index among `listIndexes`' entries: the same key, fields in the same
/// order with the same directions, and each option the requirement names equal.
enum IndexMatch {
    /// The name of the index that satisfies `requirement`, or nil.
    static func find(_ requirement: IndexRequirement, in present: [BSONDocument]) -> String? {
        present.first { differences(requirement, $0)?.isEmpty == true }.map { $0["name"]?.stringValue ?? "(unnamed)" }
    }

    /// Why no index satisfies `requirement`: `is missing`, or what the index on the same
    /// key has instead.
    static func why(_ requirement: IndexRequirement, in present: [BSONDocument]) -> String {
        let sameKey = present.compactMap { index -> (String, [String])? in
            guard let differences = differences(requirement, index) else { return nil }
            return (index["name"]?.stringValue ?? "(unnamed)", differences)
        }
        guard let (name, differences) = sameKey.first else { return "is missing" }
        return "differs: the index \"\(name)\" on that key has " + differences.joined(separator: ", ")
    }

    /// nil when the key differs; else each option that differs (empty: a match).
    private static func differences(_ requirement: IndexRequirement, _ index: BSONDocument) -> [String]? {
        guard let key = index["key"]?.documentValue, sameKey(requirement.key, key, weights: index["weights"]?.documentValue) else { return nil }
        var differences: [String] = []
        if index["hidden"]?.boolValue == true {
            // A hidden index is kept up to date but the planner does not use it.
            differences.append("hidden: true")
        }
        if let name = requirement.name, index["name"]?.stringValue != name {
            differences.append("the name \(index["name"]?.extendedJSON(.relaxed) ?? "none")")
        }
        if let unique = requirement.unique, (index["unique"]?.boolValue ?? false) != unique {
            differences.append("unique: \(index["unique"]?.boolValue ?? false)")
        }
        if let sparse = requirement.sparse, (index["sparse"]?.boolValue ?? false) != sparse {
            differences.append("sparse: \(index["sparse"]?.boolValue ?? false)")
        }
        if let filter = requirement.partialFilterExpression {
            let actual = index["partialFilterExpression"]
            if actual == nil || Matcher().match(.document(filter), actual, root: false, path: "") != nil {
                differences.append("partialFilterExpression: " + (actual?.extendedJSON(.relaxed) ?? "none"))
            }
        }
        if let seconds = requirement.expireAfterSeconds, index["expireAfterSeconds"]?.integerValue != seconds {
            differences.append("expireAfterSeconds: " + (index["expireAfterSeconds"]?.extendedJSON(.relaxed) ?? "none"))
        }
        return differences
    }

    /// Same fields in the same order, directions equal as numbers (`1` and `1.0`) or as names.
    /// A text index is listed as `{_fts: "text", _ftsx: 1}` with its fields in `weights`:
    /// its text fields are compared as a set, the other fields in order.
    static func sameKey(_ expected: BSONDocument, _ actual: BSONDocument, weights: BSONDocument?) -> Bool {
        if actual["_fts"] != nil {
            let expectedText = Set(expected.filter { $0.value.stringValue == "text" }.map(\.key))
            guard expectedText == Set(weights?.keys ?? []) else { return false }
            var plainExpected = BSONDocument(), plainActual = BSONDocument()
            for (field, direction) in expected where direction.stringValue != "text" { plainExpected[field] = direction }
            for (field, direction) in actual where field != "_fts" && field != "_ftsx" { plainActual[field] = direction }
            return sameKey(plainExpected, plainActual, weights: nil)
        }
        guard expected.keys == actual.keys else { return false }
        return zip(expected.values, actual.values).allSatisfy { want, have in
            if let a = want.stringValue { return have.stringValue == a }
            guard let a = NumericDirection.value(want), let b = NumericDirection.value(have) else { return false }
            return a == b
        }
    }

    private enum NumericDirection {
        static func value(_ value: BSON) -> Double? {
            switch value {
            case .int32(let number): Double(number)
            case .int64(let number): Double(number)
            case .double(let number): number
            default: nil
            }
        }
    }
}
