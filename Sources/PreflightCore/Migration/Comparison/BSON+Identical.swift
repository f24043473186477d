import Mongo

extension BSON {
    /// Whether two values would be written as the same bytes: same type, same value, and
    /// for documents the same keys in the same order. Stricter than `==`, which lets -0.0
    /// equal 0.0 and compares strings as Unicode text (so "é" and "e\u{301}" are equal
    /// there): a migration that rewrites either has changed the stored value.
    func isIdentical(to other: BSON) -> Bool {
        switch (self, other) {
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)), (.javascript(let a), .javascript(let b)), (.symbol(let a), .symbol(let b)):
            a.hasSameBytes(as: b)
        case (.document(let a), .document(let b)): a.isIdentical(to: b)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.regex(let a, let aOptions), .regex(let b, let bOptions)):
            a.hasSameBytes(as: b) && aOptions.hasSameBytes(as: bOptions)
        case (.dbPointer(let a, let aID), .dbPointer(let b, let bID)): a.hasSameBytes(as: b) && aID == bID
        case (.javascriptWithScope(let a, let aScope), .javascriptWithScope(let b, let bScope)):
            a.hasSameBytes(as: b) && aScope.isIdentical(to: bScope)
        case (.decimal128(let a), .decimal128(let b)): a.low == b.low && a.high == b.high
        default: self == other
        }
    }
}

extension BSONDocument {
    /// Same keys, byte for byte and in the same order, with identical values.
    func isIdentical(to other: BSONDocument) -> Bool {
        count == other.count
            && zip(elements, other.elements).allSatisfy { $0.key.hasSameBytes(as: $1.key) && $0.value.isIdentical(to: $1.value) }
    }
}
