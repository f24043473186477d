import Mongo

/// A number as MongoDB's queries compare it: an int32, an int64, a double and a
/// Decimal128 holding the same whole number are one value (`{customer_id: 7}` finds 7,
/// `NumberLong(7)`, `7.0` and `NumberDecimal("7")`), so a `--follow` that joined them live
/// must find them equal here too.
///
/// A double with a fraction equals only doubles, and a decimal with a fraction only
/// decimals: the server rounds a double to 34 digits before comparing it with a decimal,
/// which only binary fractions such as 0.5 survive, and no reference is held that way.
enum NumericValue: Hashable {
    case integer(Int64)
    /// The bit pattern, with every NaN one pattern and -0.0 as 0, so equal doubles hash alike.
    case double(UInt64)
    case decimal(Decimal128)

    /// Nil for anything but an int32, an int64, a double or a Decimal128.
    init?(_ value: BSON) {
        switch value {
        case .int32(let number):
            self = .integer(Int64(number))
        case .int64(let number):
            self = .integer(number)
        case .double(let number):
            // 2^63 is exactly representable; every Int64 is below it and at or above -2^63.
            if number.rounded() == number, number >= -9_223_372_036_854_775_808.0, number < 9_223_372_036_854_775_808.0 {
                self = .integer(Int64(number))
            } else {
                self = .double(number.isNaN ? Double.nan.bitPattern : number.bitPattern)
            }
        case .decimal128(let number):
            self = number.int64Value.map(NumericValue.integer) ?? .decimal(number)
        default:
            return nil
        }
    }

    /// Whether finding this number somewhere else in a capture means a redacted value
    /// leaked: a fraction, or a whole number of at least four digits (a phone number, an
    /// account number). Smaller whole numbers (quantities, flags, counters) are in most
    /// documents anyway, so finding one says nothing about where it came from.
    var identifies: Bool {
        switch self {
        case .integer(let number): number.magnitude >= 1_000
        case .double, .decimal: true
        }
    }
}
