import CMongoC

/// An IEEE 754-2008 decimal128 value as BSON stores it (binary integer decimal encoding).
///
/// Equality is by value, computed on the exact coefficient and exponent, so `100.50`
/// equals `100.5` and money never passes through a binary double on the way. All NaNs
/// are equal to each other here: a test that expects NaN should pass when it gets NaN.
public struct Decimal128: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let low: UInt64
    public let high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Parses a decimal string as libbson does (`"100.50"`, `"-1E+6144"`, `"NaN"`, `"-Infinity"`).
    public init?(_ text: String) {
        var value = bson_decimal128_t()
        guard bson_decimal128_from_string(text, &value) else { return nil }
        // libbson signals an unparsable string with a NaN; only accept NaN if it was asked for.
        let result = Decimal128(low: value.low, high: value.high)
        if result.isNaN && !text.lowercased().hasSuffix("nan") { return nil }
        self = result
    }

    /// The canonical string form, as Extended JSON's `$numberDecimal` spells it.
    public var description: String {
        var value = bson_decimal128_t(low: low, high: high)
        // BSON_DECIMAL128_STRING is 43; the buffer is a little larger for safety.
        var buffer = [CChar](repeating: 0, count: 64)
        bson_decimal128_to_string(&value, &buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The value decoded into its parts.
    enum Parts: Equatable {
        case nan
        case infinity(negative: Bool)
        case finite(negative: Bool, coefficient: UInt128, exponent: Int)
    }

    private static let maxCoefficient: UInt128 = 9_999_999_999_999_999_999_999_999_999_999_999
    private static let exponentBias = 6176

    var parts: Parts {
        let negative = high >> 63 == 1
        let combination = (high >> 58) & 0x1f
        if combination == 0x1f { return .nan }
        if combination == 0x1e { return .infinity(negative: negative) }
        let exponentBits: UInt64
        let coefficient: UInt128
        if (high >> 61) & 0x3 == 0x3 {
            // The "11" form always encodes a coefficient above 10^34 - 1: non-canonical, so zero.
            exponentBits = (high >> 47) & 0x3fff
            coefficient = 0
        } else {
            exponentBits = (high >> 49) & 0x3fff
            let raw = UInt128(high & 0x1_ffff_ffff_ffff) << 64 | UInt128(low)
            coefficient = raw > Self.maxCoefficient ? 0 : raw
        }
        return .finite(negative: negative, coefficient: coefficient, exponent: Int(exponentBits) - Self.exponentBias)
    }

    public var isNaN: Bool { parts == .nan }

    /// The finite value with trailing zeros removed from the coefficient, and every zero the same.
    private var normalized: Parts {
        guard case .finite(let negative, var coefficient, var exponent) = parts else { return parts }
        if coefficient == 0 { return .finite(negative: false, coefficient: 0, exponent: 0) }
        while coefficient % 10 == 0 {
            coefficient /= 10
            exponent += 1
        }
        return .finite(negative: negative, coefficient: coefficient, exponent: exponent)
    }

    /// The value as an Int64 when it is a whole number in Int64's range (`7`, `7.00`,
    /// `7E+2`, `-0`), else nil: the integers MongoDB's queries find equal to an int32, an
    /// int64 or a double of the same value.
    public var int64Value: Int64? {
        guard case .finite(let negative, let coefficient, let exponent) = normalized, (0...19).contains(exponent) else {
            return nil
        }
        let (magnitude, overflow) = coefficient.multipliedReportingOverflow(by: Self.power10(exponent))
        // Int64's range is one larger below zero than above it.
        let limit = UInt128(Int64.max) + (negative ? 1 : 0)
        guard !overflow, magnitude <= limit else { return nil }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    public static func == (lhs: Decimal128, rhs: Decimal128) -> Bool {
        lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) {
        switch normalized {
        case .nan: hasher.combine(0)
        case .infinity(let negative): hasher.combine(negative)
        case .finite(let negative, let coefficient, let exponent):
            hasher.combine(negative)
            hasher.combine(coefficient)
            hasher.combine(exponent)
        }
    }

    /// Orders by value. NaN is unordered: every comparison with it is false.
    public static func < (lhs: Decimal128, rhs: Decimal128) -> Bool {
        switch (lhs.normalized, rhs.normalized) {
        case (.nan, _), (_, .nan): return false
        case (.infinity(let a), .infinity(let b)): return a && !b
        case (.infinity(let negative), _): return negative
        case (_, .infinity(let negative)): return !negative
        case (.finite(let aNegative, let a, let aExponent), .finite(let bNegative, let b, let bExponent)):
            let aSign = a == 0 ? 0 : (aNegative ? -1 : 1)
            let bSign = b == 0 ? 0 : (bNegative ? -1 : 1)
            if aSign != bSign { return aSign < bSign }
            if aSign == 0 { return false }
            let magnitude = compareMagnitude(a, aExponent, b, bExponent)
            return aSign > 0 ? magnitude < 0 : magnitude > 0
        }
    }

    /// Compares a·10^ae with b·10^be exactly, for non-zero coefficients.
    private static func compareMagnitude(_ a: UInt128, _ ae: Int, _ b: UInt128, _ be: Int) -> Int {
        let aAdjusted = ae + digitCount(a)
        let bAdjusted = be + digitCount(b)
        if aAdjusted != bAdjusted { return aAdjusted < bAdjusted ? -1 : 1 }
        // Same order of magnitude: scale the one with the larger exponent down to the other's.
        // Both then have at most 34 digits, so nothing overflows.
        var (x, y) = (a, b)
        if ae > be { x *= power10(ae - be) } else if be > ae { y *= power10(be - ae) }
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    private static func digitCount(_ value: UInt128) -> Int {
        var count = 0
        var rest = value
        while rest > 0 {
            rest /= 10
            count += 1
        }
        return count
    }

    private static func power10(_ exponent: Int) -> UInt128 {
        (0..<exponent).reduce(UInt128(1)) { result, _ in result * 10 }
    }
}
