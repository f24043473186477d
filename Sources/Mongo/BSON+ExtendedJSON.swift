import Foundation

extension BSON {
    /// This value as Extended JSON v2, on one line.
    public func extendedJSON(_ mode: ExtendedJSON.Mode = .relaxed) -> String {
        var out = ""
        write(to: &out, mode)
        return out
    }

    func write(to out: inout String, _ mode: ExtendedJSON.Mode) {
        let canonical = mode == .canonical
        switch self {
        case .double(let value):
            if !value.isFinite {
                out += #"{"$numberDouble":""# + (value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")) + #""}"#
            } else if canonical {
                out += #"{"$numberDouble":""# + Self.format(value) + #""}"#
            } else {
                out += Self.format(value)
            }
        case .string(let value):
            Self.writeString(value, to: &out)
        case .document(let document):
            document.write(to: &out, mode)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out, mode)
            }
            out += "]"
        case .binary(let value):
            let subtype = String(value.subtype, radix: 16)
            out += #"{"$binary":{"base64":""# + Data(value.bytes).base64EncodedString()
                + #"","subType":""# + (subtype.count == 1 ? "0" + subtype : subtype) + #""}}"#
        case .undefined:
            out += #"{"$undefined":true}"#
        case .objectID(let value):
            out += #"{"$oid":""# + value.hex + #""}"#
        case .bool(let value):
            out += value ? "true" : "false"
        case .datetime(let milliseconds):
            // Relaxed mode writes ISO-8601 only for years 1970 through 9999, as the spec says.
            if !canonical, milliseconds >= 0, milliseconds <= 253_402_300_799_999 {
                out += #"{"$date":""# + ISODate.format(milliseconds) + #""}"#
            } else {
                out += #"{"$date":{"$numberLong":""# + String(milliseconds) + #""}}"#
            }
        case .null:
            out += "null"
        case .regex(let pattern, let options):
            out += #"{"$regularExpression":{"pattern":"#
            Self.writeString(pattern, to: &out)
            out += #","options":"#
            // The spec wants options in alphabetical order.
            Self.writeString(String(options.sorted()), to: &out)
            out += "}}"
        case .dbPointer(let ref, let id):
            out += #"{"$dbPointer":{"$ref":"#
            Self.writeString(ref, to: &out)
            out += #","$id":{"$oid":""# + id.hex + #""}}}"#
        case .javascript(let code):
            out += #"{"$code":"#
            Self.writeString(code, to: &out)
            out += "}"
        case .symbol(let value):
            out += #"{"$symbol":"#
            Self.writeString(value, to: &out)
            out += "}"
        case .javascriptWithScope(let code, let scope):
            out += #"{"$code":"#
            Self.writeString(code, to: &out)
            out += #","$scope":"#
            scope.write(to: &out, mode)
            out += "}"
        case .int32(let value):
            out += canonical ? #"{"$numberInt":""# + String(value) + #""}"# : String(value)
        case .timestamp(let seconds, let increment):
            out += #"{"$timestamp":{"t":"# + String(seconds) + #","i":"# + String(increment) + "}}"
        case .int64(let value):
            out += canonical ? #"{"$numberLong":""# + String(value) + #""}"# : String(value)
        case .decimal128(let value):
            out += #"{"$numberDecimal":""# + value.description + #""}"#
        case .minKey:
            out += #"{"$minKey":1}"#
        case .maxKey:
            out += #"{"$maxKey":1}"#
        }
    }

    /// The shortest text that reads back as the same double, always with a `.` or an
    /// exponent so that a JSON reader sees a double and not an integer.
    private static func format(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
    }

    /// Writes `value` as a JSON string literal: quotes, backslashes, every C0 control and
    /// DEL escaped.
    /// - Parameter escapingC1AndLineSeparators: also escape the C1 controls (so that text
    ///   piped to a terminal cannot repaint it) and U+2028/U+2029 (line ends to JavaScript
    ///   before ES2019): for reports other tools read. Extended JSON keeps them as they are.
    public static func writeString(_ value: String, to out: inout String, escapingC1AndLineSeparators: Bool = false) {
        out += "\""
        // The usual string is printable ASCII with nothing to escape: appended whole, not
        // scalar by scalar (reports and logs write every key and string this way).
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F,
                _ where escapingC1AndLineSeparators && ((0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension BSONDocument {
    /// This document as Extended JSON v2, on one line, keys in their order.
    public func extendedJSON(_ mode: ExtendedJSON.Mode = .relaxed) -> String {
        var out = ""
        write(to: &out, mode)
        return out
    }

    func write(to out: inout String, _ mode: ExtendedJSON.Mode) {
        out += "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            BSON.writeString(element.key, to: &out)
            out += ":"
            element.value.write(to: &out, mode)
        }
        out += "}"
    }
}

/// ISO-8601 in UTC for BSON dates, without Foundation's calendars: the proleptic
/// Gregorian civil-from-days conversion, exact for every Int64 millisecond count.
enum ISODate {
    static func format(_ milliseconds: Int64) -> String {
        let (days, msOfDay) = floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let hours = msOfDay / 3_600_000
        let minutes = msOfDay / 60_000 % 60
        let seconds = msOfDay / 1000 % 60
        let millis = msOfDay % 1000
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(hours, 2) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2)
        if millis != 0 { text += "." + pad(millis, 3) }
        return text + "Z"
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let quotient = a / b
        let remainder = a % b
        return remainder < 0 ? (quotient - 1, remainder + b) : (quotient, remainder)
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
