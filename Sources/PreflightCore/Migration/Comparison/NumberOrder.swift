import Mongo

/// How MongoDB orders numbers of different widths: by value, with NaN before every
/// other number. int32 and int64 compare exactly; a double against an integer too, with
/// no rounding through Double; Decimal128 against anything by its value.
enum NumberOrder {
    static func compare(_ a: BSON, _ b: BSON) -> Int {
        switch (a, b) {
        case (.decimal128(let x), _):
            return decimals(x, decimal(b))
        case (_, .decimal128(let y)):
            return decimals(decimal(a), y)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? 0 : (x.isNaN ? -1 : 1) }
            return x == y ? 0 : (x < y ? -1 : 1)
        case (.double(let x), _):
            return doubleAgainstInteger(x, b.integerValue ?? 0)
        case (_, .double(let y)):
            return -doubleAgainstInteger(y, a.integerValue ?? 0)
        default:
            let (x, y) = (a.integerValue ?? 0, b.integerValue ?? 0)
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    private static func doubleAgainstInteger(_ x: Double, _ y: Int64) -> Int {
        if x.isNaN { return -1 }
        // 2^63 is exact as a double; anything at or past it is beyond every Int64.
        if x >= 9_223_372_036_854_775_808.0 { return 1 }
        if x < -9_223_372_036_854_775_808.0 { return -1 }
        let whole = Int64(x.rounded(.down))
        if whole != y { return whole < y ? -1 : 1 }
        return x == x.rounded(.down) ? 0 : 1
    }

    private static func decimal(_ value: BSON) -> Decimal128? {
        switch value {
        case .decimal128(let number): number
        case .int32, .int64: value.integerValue.flatMap { Decimal128(String($0)) }
        // Shortest round-trip text: close enough where a double meets a decimal `_id`.
        case .double(let number): number.isNaN ? nil : Decimal128(number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : String(number))
        default: nil
        }
    }

    /// Nil stands for NaN, which sorts first.
    private static func decimals(_ x: Decimal128?, _ y: Decimal128?) -> Int {
        let x = x.flatMap { $0.isNaN ? nil : $0 }, y = y.flatMap { $0.isNaN ? nil : $0 }
        switch (x, y) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?): return x == y ? 0 : (x < y ? -1 : 1)
        }
    }
}
