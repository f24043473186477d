import Mongo

/// Stands in for redacted values, one table for the whole capture: the same real value
/// (same BSON type, same value) always gets the same token, wherever it was found, so a
/// redacted `customers_v2._id` and a redacted `orders.customer_id` still join.
///
/// Tokens keep the type where one can: strings become `redacted-000001`, ObjectIds an
/// ObjectId counter, numbers the same numeric type; anything else (a date, a document, a
/// boolean, binary data) becomes a string token. Counters run in the order values are
/// first seen, so the same capture gives the same file.
struct TokenTable {
    private var tokens: [BSON: BSON] = [:]
    /// Where each real value was first redacted (`customers_v2.phone`), for messages that
    /// must say where without saying what.
    private(set) var origins: [BSON: String] = [:]
    private var textCounter = 0
    private var objectIDCounter = 0
    private var numberCounter = 0

    /// The real values replaced so far.
    var realValues: Dictionary<BSON, BSON>.Keys { tokens.keys }

    /// The token for `value`, made on first sight.
    mutating func token(for value: BSON, at origin: String) -> BSON {
        if let token = tokens[value] { return token }
        let token = makeToken(for: value)
        tokens[value] = token
        origins[value] = origin
        return token
    }

    /// The token `value` already has, if it was redacted somewhere.
    func existingToken(for value: BSON) -> BSON? {
        tokens[value]
    }

    /// Whether a value's text identifies it: a string, an ObjectId, a date, binary data, a
    /// document. Numbers, booleans, null and the empty string do not: `1`, `true` and `""`
    /// are in every file, so finding them says nothing about where they came from.
    static func reveals(_ value: BSON) -> Bool {
        switch value {
        case .string(let text): !text.isEmpty
        case .double, .int32, .int64, .decimal128, .bool, .null, .undefined, .minKey, .maxKey: false
        default: true
        }
    }

    private mutating func makeToken(for value: BSON) -> BSON {
        switch value {
        case .objectID:
            objectIDCounter += 1
            var bytes = [UInt8](repeating: 0, count: 12)
            var rest = UInt64(objectIDCounter)
            for index in stride(from: 11, through: 4, by: -1) {
                bytes[index] = UInt8(rest & 0xff)
                rest >>= 8
            }
            return ObjectID(bytes: bytes).map(BSON.objectID) ?? textToken()
        case .int32:
            numberCounter += 1
            return Int32(exactly: numberCounter).map(BSON.int32) ?? .int64(Int64(numberCounter))
        case .int64:
            numberCounter += 1
            return .int64(Int64(numberCounter))
        case .double:
            numberCounter += 1
            return .double(Double(numberCounter))
        case .decimal128:
            numberCounter += 1
            return Decimal128(String(numberCounter)).map(BSON.decimal128) ?? textToken()
        default:
            return textToken()
        }
    }

    private mutating func textToken() -> BSON {
        textCounter += 1
        let digits = String(textCounter)
        return .string("redacted-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits)
    }
}
