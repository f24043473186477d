import Foundation

/// Attribute values in the forms the schemas accept, whatever the results hold.
extension JUnitReport {
    /// The suite's `name`: `JUnit.xsd` wants a token of at least one character, so a blank
    /// scenario name falls back to the file, then to the class name.
    static func suiteName(_ suite: SuiteResult) -> String {
        for candidate in [suite.name, suite.file, suite.classname] {
            let token = XMLText.token(candidate)
            if !token.isEmpty { return token }
        }
        return "unnamed suite"
    }

    /// The `classname` of the suite's test cases (and its `package`): the suite's own, else
    /// one derived from its file, else its name with anything but letters, digits, `.`,
    /// `_` and `-` turned into `_`. CI servers group tests by it, so it is never blank.
    static func classname(_ suite: SuiteResult, name: String) -> String {
        for candidate in [suite.classname, SuiteResult.classname(forFile: suite.file)] {
            let token = XMLText.token(candidate)
            if !token.isEmpty { return token }
        }
        return String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    }

    /// Seconds with exactly three decimals in the POSIX locale: `junit-10.xsd` rejects an
    /// exponent (Swift prints `5e-06`) and a decimal comma. Negative, infinite and NaN
    /// durations (a clock that went back) become `0.000`.
    static func seconds(_ duration: TimeInterval) -> String {
        let value = duration.isFinite && duration > 0 ? duration : 0
        return FixedPoint.text(value, places: 3)
    }

    /// UTC as `yyyy-MM-ddTHH:mm:ss`: `JUnit.xsd` allows neither a zone nor a fraction.
    ///
    /// Built from calendar components rather than a `DateFormatter`, which is not
    /// `Sendable` and follows the user's calendar settings. A date outside years
    /// 1–9999 (which `xs:dateTime` cannot hold in four digits) is written as the epoch.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let units: Set<Calendar.Component> = [.era, .year, .month, .day, .hour, .minute, .second]
        let epoch = Date(timeIntervalSince1970: 0)
        // Checked before the calendar sees it: 1e12 s is some 31,000 years either way.
        let sane = abs(date.timeIntervalSince1970) < 1e12 ? date : epoch
        var parts = calendar.dateComponents(units, from: sane)
        if parts.era != 1 || !(1...9999).contains(parts.year ?? 0) {
            parts = calendar.dateComponents(units, from: epoch)
        }
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }
}
