import Mongo

/// MongoDB's sort order for BSON values (the simple collation), so that two cursors
/// sorted by `_id` on the server can be walked side by side here.
///
/// Types are ranked first (MinKey, null, numbers, strings, documents, arrays, binary,
/// ObjectId, booleans, dates, timestamps, regular expressions, …, MaxKey), numbers of
/// every width compare by value, strings by their UTF-8 bytes. Should this ever disagree
/// with a server, the walk notices (`CollectionComparison` checks that each side only
/// ascends) and stops rather than misreport.
enum BSONOrder {
    /// Negative, zero or positive as `a` sorts before, with, or after `b`.
    static func compare(_ a: BSON, _ b: BSON) -> Int {
        let (rankA, rankB) = (rank(a), rank(b))
        if rankA != rankB { return rankA < rankB ? -1 : 1 }
        switch (a, b) {
        case (.string(let x), .string(let y)), (.string(let x), .symbol(let y)), (.symbol(let x), .string(let y)),
            (.symbol(let x), .symbol(let y)), (.javascript(let x), .javascript(let y)):
            return bytes(x, y)
        case (.document(let x), .document(let y)):
            return elements(x.elements, y.elements)
        case (.array(let x), .array(let y)):
            return elements(
                x.enumerated().map { (key: String($0.offset), value: $0.element) },
                y.enumerated().map { (key: String($0.offset), value: $0.element) })
        case (.binary(let x), .binary(let y)):
            if x.bytes.count != y.bytes.count { return x.bytes.count < y.bytes.count ? -1 : 1 }
            if x.subtype != y.subtype { return x.subtype < y.subtype ? -1 : 1 }
            return sequence(x.bytes, y.bytes)
        case (.objectID(let x), .objectID(let y)):
            return sequence(x.bytes, y.bytes)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        case (.datetime(let x), .datetime(let y)):
            return x == y ? 0 : (x < y ? -1 : 1)
        case (.timestamp(let xs, let xi), .timestamp(let ys, let yi)):
            return xs != ys ? (xs < ys ? -1 : 1) : (xi == yi ? 0 : (xi < yi ? -1 : 1))
        case (.regex(let xp, let xo), .regex(let yp, let yo)):
            let pattern = bytes(xp, yp)
            return pattern != 0 ? pattern : bytes(xo, yo)
        case (.dbPointer(let xr, let xi), .dbPointer(let yr, let yi)):
            if xr.utf8.count != yr.utf8.count { return xr.utf8.count < yr.utf8.count ? -1 : 1 }
            let ref = bytes(xr, yr)
            return ref != 0 ? ref : sequence(xi.bytes, yi.bytes)
        case (.javascriptWithScope(let xc, let xs), .javascriptWithScope(let yc, let ys)):
            let code = bytes(xc, yc)
            return code != 0 ? code : elements(xs.elements, ys.elements)
        default:
            return a.isNumber ? NumberOrder.compare(a, b) : 0
        }
    }

    /// The canonical type ranks MongoDB sorts by (its `canonicalizeBSONType`).
    static func rank(_ value: BSON) -> Int {
        switch value {
        case .minKey: -1
        case .undefined: 0
        case .null: 5
        case .double, .int32, .int64, .decimal128: 10
        case .string, .symbol: 15
        case .document: 20
        case .array: 25
        case .binary: 30
        case .objectID: 35
        case .bool: 40
        case .datetime: 45
        case .timestamp: 47
        case .regex: 50
        case .dbPointer: 55
        case .javascript: 60
        case .javascriptWithScope: 65
        case .maxKey: 127
        }
    }

    /// Element by element: the value's type rank, then the key, then the value; a prefix first.
    private static func elements(_ x: [(key: String, value: BSON)], _ y: [(key: String, value: BSON)]) -> Int {
        for (left, right) in zip(x, y) {
            let (rankLeft, rankRight) = (rank(left.value), rank(right.value))
            if rankLeft != rankRight { return rankLeft < rankRight ? -1 : 1 }
            let key = bytes(left.key, right.key)
            if key != 0 { return key }
            let value = compare(left.value, right.value)
            if value != 0 { return value }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    private static func bytes(_ x: String, _ y: String) -> Int {
        sequence(Array(x.utf8), Array(y.utf8))
    }

    private static func sequence(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (left, right) in zip(x, y) where left != right { return left < right ? -1 : 1 }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }
}
