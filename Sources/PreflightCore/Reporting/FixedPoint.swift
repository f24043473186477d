/// A number with a fixed count of decimals, `.` as the separator, never an exponent:
/// what reports print durations with. Written out by hand because Foundation's
/// `String(format:locale:)` costs more on the way in (its locale) than a whole
/// one-test run spends on its own work.
enum FixedPoint {
    /// `value` rounded to `places` decimals (0 to 6); negative zero prints as `0`.
    static func text(_ value: Double, places: Int) -> String {
        precondition((0...6).contains(places), "FixedPoint handles 0 to 6 decimals")
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        // Beyond what an Int64 holds, a duration means nothing; print its whole part.
        guard scaled < 9e18 else { return String(Int64(value)) }
        let units = Int64(scaled)
        let whole = units / scale
        let sign = value < 0 && units > 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let fraction = String(units % scale)
        return sign + String(whole) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
