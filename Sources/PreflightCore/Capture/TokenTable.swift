import Mongo

/// Stands in for redacted values, one table for the whole capture: the same real value
/// always gets the same token, wherever it was found, so a redacted `customers_v2._id`
/// and a redacted `orders.customer_id` still join.
///
/// "The same" is what MongoDB's queries mean by it: numbers by numeric value, so an int32
/// `7`, an int64 `7` and a double `7.0` share one counter, and each token is written in
/// its own value's type (int32 `1`, int64 `1`, `1.0`, decimal `"1"`): the replayed
/// documents join as the live ones did. Anything else by type and value.
///
/// Tokens keep the type where one can: strings become `redacted-000001`, ObjectIds an
/// ObjectId counter, numbers their own numeric type; anything else (a date, a document,
/// a boolean, binary data) becomes a string token. Counters run in the order values are
/// first seen, so the same capture gives the same file.
struct TokenTable {
    /// The number each numeric value stands for, rendered in each occurrence's type.
    private var numbers: [NumericValue: Int] = [:]
    /// Tokens for everything that is not a number.
    private var others: [BSON: BSON] = [:]
    /// The string tokens handed out, so a leak check can tell them from real strings.
    private(set) var textTokens: Set<String> = []
    /// Where each real value was first redacted (`customers_v2.phone`), for messages that
    /// must say where without saying what.
    private var origins: [Key: String] = [:]
    /// Real numbers a number token must not equal, so that a number found in the file is
    /// never both a token and a redacted value (see `LeakGuard`).
    private let avoided: Set<NumericValue>
    private var textCounter = 0
    private var objectIDCounter = 0
    private var numberCounter = 0

    /// How a real value is looked up: numbers by numeric value, the rest by type and value.
    private enum Key: Hashable {
        case number(NumericValue)
        case other(BSON)

        init(_ value: BSON) {
            self = NumericValue(value).map(Key.number) ?? .other(value)
        }
    }

    /// - Parameter avoided: the real numbers the whole capture redacts, when known.
    init(avoiding avoided: Set<NumericValue> = []) {
        self.avoided = avoided
    }

    /// The real numbers replaced so far, by numeric value.
    var redactedNumbers: Dictionary<NumericValue, Int>.Keys { numbers.keys }

    /// The real values other than numbers replaced so far.
    var redactedValues: Dictionary<BSON, BSON>.Keys { others.keys }

    /// Where `value` (or a number equal to it) was first redacted.
    func origin(of value: BSON) -> String? {
        origins[Key(value)]
    }

    /// Where a number equal to `number` was first redacted.
    func origin(of number: NumericValue) -> String? {
        origins[.number(number)]
    }

    /// The token for `value`, made on first sight.
    mutating func token(for value: BSON, at origin: String) -> BSON {
        if let token = existingToken(for: value) { return token }
        let key = Key(value)
        origins[key] = origin
        switch key {
        case .number(let number):
            repeat { numberCounter += 1 } while avoided.contains(.integer(Int64(numberCounter)))
            numbers[number] = numberCounter
            return Self.render(numberCounter, like: value)
        case .other:
            let token = makeToken(for: value)
            others[value] = token
            if let text = token.stringValue { textTokens.insert(text) }
            return token
        }
    }

    /// The token `value` already has, if it (or a number equal to it) was redacted somewhere.
    func existingToken(for value: BSON) -> BSON? {
        switch Key(value) {
        case .number(let number): numbers[number].map { Self.render($0, like: value) }
        case .other: others[value]
        }
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

    /// Counter `number` in the numeric type of `value`.
    private static func render(_ number: Int, like value: BSON) -> BSON {
        switch value {
        case .int32: Int32(exactly: number).map(BSON.int32) ?? .int64(Int64(number))
        case .double: .double(Double(number))
        case .decimal128: Decimal128(String(number)).map(BSON.decimal128) ?? .int64(Int64(number))
        default: .int64(Int64(number))
        }
    }

    private mutating func makeToken(for value: BSON) -> BSON {
        guard case .objectID = value else { return textToken() }
        objectIDCounter += 1
        var bytes = [UInt8](repeating: 0, count: 12)
        var rest = UInt64(objectIDCounter)
        for index in stride(from: 11, through: 4, by: -1) {
            bytes[index] = UInt8(rest & 0xff)
            rest >>= 8
        }
        return ObjectID(bytes: bytes).map(BSON.objectID) ?? textToken()
    }

    private mutating func textToken() -> BSON {
        textCounter += 1
        let digits = String(textCounter)
        return .string("redacted-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits)
    }
}
