import Foundation
import Mongo

extension Matcher {
    /// A numeric BSON value in the form it can be compared exactly.
    private enum Number {
        case integer(Int64)
        case double(Double)
        case decimal(Decimal128)

        init?(_ value: BSON) {
            switch value {
            case .int32(let number): self = .integer(Int64(number))
            case .int64(let number): self = .integer(number)
            case .double(let number): self = .double(number)
            case .decimal128(let number): self = .decimal(number)
            default: return nil
            }
        }
    }

    /// Equal by the matching rules: int32, int64 and double by exact numeric value (NaN equals NaN);
    /// Decimal128 only with Decimal128, by value.
    static func numbersEqual(_ lhs: BSON, _ rhs: BSON) -> Bool {
        guard let a = Number(lhs), let b = Number(rhs) else { return false }
        switch (a, b) {
        case (.decimal(let x), .decimal(let y)): return x == y
        case (.decimal, _), (_, .decimal): return false
        case (.double(let x), .double(let y)) where x.isNaN && y.isNaN: return true
        default: return order(lhs, rhs) == .orderedSame
        }
    }

    /// How `lhs` orders against `rhs`, exactly; nil when they cannot be ordered: NaN,
    /// a date against a number or a non-number, or a decimal against a double (a double
    /// cannot be turned into a decimal without rounding). A decimal does order against
    /// an integer, whose decimal form is exact.
    static func order(_ lhs: BSON, _ rhs: BSON) -> ComparisonResult? {
        if case .datetime(let x) = lhs, case .datetime(let y) = rhs { return compare(x, y) }
        guard let a = Number(lhs), let b = Number(rhs) else { return nil }
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return compare(x, y)
        case (.integer(let x), .double(let y)):
            return compare(x, y)
        case (.double(let x), .integer(let y)):
            return compare(y, x).map(reversed)
        case (.double(let x), .double(let y)):
            return x.isNaN || y.isNaN ? nil : (x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame))
        case (.decimal(let x), .decimal(let y)):
            return compare(x, y)
        case (.decimal(let x), .integer(let y)):
            return Decimal128(String(y)).flatMap { compare(x, $0) }
        case (.integer(let x), .decimal(let y)):
            return Decimal128(String(x)).flatMap { compare($0, y) }
        case (.decimal, .double), (.double, .decimal):
            return nil
        }
    }

    /// Why two values cannot be compared, for the mismatch message; nil when they can
    /// (or when the only obstacle is NaN, which the values shown already make plain).
    static func incomparability(_ lhs: BSON, _ rhs: BSON) -> String? {
        if lhs.typeAlias == "date" && rhs.typeAlias == "date" { return nil }
        if lhs.isNumber && rhs.isNumber {
            let decimals = [lhs, rhs].filter { $0.typeAlias == "decimal" }.count
            return decimals == 1 ? "a decimal only equals or orders against a decimal or an integer, never a double" : nil
        }
        return "cannot compare type \(quoted(lhs.typeAlias)) with \(quoted(rhs.typeAlias))"
    }

    static func compare<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult {
        x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame)
    }

    /// Orders an Int64 against a Double without converting either: converting the integer
    /// rounds above 2^53 (so 2^53 + 1 would equal 2^53), and converting the double traps
    /// outside Int64's range.
    static func compare(_ integer: Int64, _ double: Double) -> ComparisonResult? {
        if double.isNaN { return nil }
        // 2^63 is exactly representable; every Int64 is below it and at or above -2^63.
        if double >= 9_223_372_036_854_775_808.0 { return .orderedAscending }
        if double < -9_223_372_036_854_775_808.0 { return .orderedDescending }
        let whole = double.rounded(.towardZero)
        let wholeInteger = Int64(whole)
        if integer != wholeInteger { return compare(integer, wholeInteger) }
        let fraction = double - whole
        return fraction == 0 ? .orderedSame : (fraction > 0 ? .orderedAscending : .orderedDescending)
    }

    static func compare(_ x: Decimal128, _ y: Decimal128) -> ComparisonResult? {
        if x.isNaN || y.isNaN { return nil }
        return x < y ? .orderedAscending : (y < x ? .orderedDescending : .orderedSame)
    }

    static func reversed(_ order: ComparisonResult) -> ComparisonResult {
        switch order {
        case .orderedAscending: .orderedDescending
        case .orderedDescending: .orderedAscending
        case .orderedSame: .orderedSame
        }
    }
}
