/// One BSON value: a case per wire type, so nothing read from the server or from
/// Extended JSON loses its type on the way through Preflight.
public enum BSON: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSON])
    case binary(BSONBinary)
    /// Deprecated by BSON, still read from legacy data.
    case undefined
    case objectID(ObjectID)
    case bool(Bool)
    /// Milliseconds since the Unix epoch; any Int64, so dates before 1970 and after 9999 survive.
    case datetime(Int64)
    case null
    // The three cases with two payloads are rare, and boxed: the others hold at most 16
    // bytes, so a value is 17 bytes instead of 33, and a copy is a retain by case instead
    // of a call through the type's value witness. Values are copied all through reading a
    // file and running it (`BSONDocumentTests` holds the size).
    indirect case regex(pattern: String, options: String)
    /// Deprecated by BSON, still read from legacy data.
    indirect case dbPointer(ref: String, id: ObjectID)
    case javascript(String)
    /// Deprecated by BSON, still read from legacy data.
    case symbol(String)
    indirect case javascriptWithScope(code: String, scope: BSONDocument)
    case int32(Int32)
    case timestamp(seconds: UInt32, increment: UInt32)
    case int64(Int64)
    case decimal128(Decimal128)
    case minKey
    case maxKey
}

/// Binary data with its BSON subtype (0x04 is a UUID, 0x80–0xFF user defined).
public struct BSONBinary: Sendable, Hashable {
    public var subtype: UInt8
    public var bytes: [UInt8]

    public init(subtype: UInt8, bytes: [UInt8]) {
        self.subtype = subtype
        self.bytes = bytes
    }
}

extension BSON {
    /// The type's alias as MongoDB's `$type` operator spells it (`"double"`, `"objectId"`, …).
    public var typeAlias: String {
        switch self {
        case .double: "double"
        case .string: "string"
        case .document: "object"
        case .array: "array"
        case .binary: "binData"
        case .undefined: "undefined"
        case .objectID: "objectId"
        case .bool: "bool"
        case .datetime: "date"
        case .null: "null"
        case .regex: "regex"
        case .dbPointer: "dbPointer"
        case .javascript: "javascript"
        case .symbol: "symbol"
        case .javascriptWithScope: "javascriptWithScope"
        case .int32: "int"
        case .timestamp: "timestamp"
        case .int64: "long"
        case .decimal128: "decimal"
        case .minKey: "minKey"
        case .maxKey: "maxKey"
        }
    }

    public var isNumber: Bool {
        switch self {
        case .double, .int32, .int64, .decimal128: true
        default: false
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var documentValue: BSONDocument? {
        if case .document(let value) = self { return value }
        return nil
    }

    public var arrayValue: [BSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// A document or an array: a value with values inside it.
    public var isContainer: Bool {
        switch self {
        case .document, .array: true
        default: false
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var int32Value: Int32? {
        if case .int32(let value) = self { return value }
        return nil
    }

    public var int64Value: Int64? {
        if case .int64(let value) = self { return value }
        return nil
    }

    public var doubleValue: Double? {
        if case .double(let value) = self { return value }
        return nil
    }

    /// An int32, an int64, or a double holding a whole number, as Int64: what the server
    /// means by an integer in replies (`n`, `nModified`, `code`), whichever width it used.
    public var integerValue: Int64? {
        switch self {
        case .int32(let value): Int64(value)
        case .int64(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }
}

extension BSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }

    /// Integer literals follow Extended JSON's rule: int32 when they fit, else int64.
    public init(integerLiteral value: Int) {
        if let small = Int32(exactly: value) {
            self = .int32(small)
        } else {
            self = .int64(Int64(value))
        }
    }

    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: BSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, BSON)...) { self = .document(BSONDocument(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
