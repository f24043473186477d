extension BSON {
    /// Same type and equal value. Doubles compare as numbers, except that NaN equals NaN
    /// (so a document equals itself and works in a `Set`), as Decimal128 does; -0.0
    /// equals 0.0. No cross-type equality: `.int32(1) != .double(1)`, and Decimal128 never
    /// equals a double. Matching with flexible numerics is the matcher's job, not this.
    public static func == (lhs: BSON, rhs: BSON) -> Bool {
        switch (lhs, rhs) {
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.document(let a), .document(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.binary(let a), .binary(let b)): a == b
        case (.undefined, .undefined), (.null, .null), (.minKey, .minKey), (.maxKey, .maxKey): true
        case (.objectID(let a), .objectID(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.datetime(let a), .datetime(let b)): a == b
        case (.regex(let a, let aOptions), .regex(let b, let bOptions)): a == b && aOptions == bOptions
        case (.dbPointer(let a, let aID), .dbPointer(let b, let bID)): a == b && aID == bID
        case (.javascript(let a), .javascript(let b)): a == b
        case (.symbol(let a), .symbol(let b)): a == b
        case (.javascriptWithScope(let a, let aScope), .javascriptWithScope(let b, let bScope)): a == b && aScope == bScope
        case (.int32(let a), .int32(let b)): a == b
        case (.timestamp(let a, let aIncrement), .timestamp(let b, let bIncrement)): a == b && aIncrement == bIncrement
        case (.int64(let a), .int64(let b)): a == b
        case (.decimal128(let a), .decimal128(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeAlias)
        switch self {
        case .double(let value): hasher.combine(value.isNaN ? Double.nan.bitPattern : (value == 0 ? 0 : value.bitPattern))
        case .string(let value), .javascript(let value), .symbol(let value): hasher.combine(value)
        case .document(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .binary(let value): hasher.combine(value)
        case .objectID(let value): hasher.combine(value)
        case .bool(let value): hasher.combine(value)
        case .datetime(let value), .int64(let value): hasher.combine(value)
        case .regex(let pattern, let options): hasher.combine(pattern); hasher.combine(options)
        case .dbPointer(let ref, let id): hasher.combine(ref); hasher.combine(id)
        case .javascriptWithScope(let code, let scope): hasher.combine(code); hasher.combine(scope)
        case .int32(let value): hasher.combine(value)
        case .timestamp(let seconds, let increment): hasher.combine(seconds); hasher.combine(increment)
        case .decimal128(let value): hasher.combine(value)
        case .undefined, .null, .minKey, .maxKey: break
        }
    }
}
