/// Reads the JSON most files are made of straight into `BSON`, in one pass over the bytes.
///
/// The full path (`ExtendedJSON`) makes four passes over a text: the strictness scan, the
/// `$type` escape, libbson's reader, and the copy of libbson's document into `BSON`.
/// Reading a scenario file took more instructions than running its operations. This
/// reader takes what it can read exactly as that path would — objects, arrays, strings,
/// numbers, `true`, `false`, `null`, and the wrappers `$oid`, `$date`, `$numberInt`,
/// `$numberLong`, `$numberDouble` and `$numberDecimal` in their plain forms — and
/// declines everything else: any other Extended JSON key, a number or date written in a
/// rarer way, a byte order mark, an escape it does not expect, any mistake. Declining
/// costs nothing but time: the full path then reads the text, with its located errors.
///
/// So it never reports an error and never reads a value differently: whatever it returns
/// is what the full path returns (the tests compare the two over every file of the
/// repository and over mutated copies of them). It also declines a key written twice in
/// one object, so a text it read is known to have none.
struct FastJSONReader {
    /// Why the reader gave the text back to the full path; the case is never shown.
    struct Decline: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// A `$type` key was read as an ordinary key; see `TypeOperatorEscape`.
    private var sawTypeKey = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The document written in `bytes`, or nil when the full path must read it.
    static func document(_ bytes: [UInt8]) -> BSONDocument? {
        guard case .document(let document)? = value(bytes, arrayAllowed: false) else { return nil }
        return document
    }

    /// The object or array written in `bytes`, or nil when the full path must read it.
    static func value(_ bytes: [UInt8], arrayAllowed: Bool = true) -> BSON? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = FastJSONReader(buffer)
            return try? reader.whole(arrayAllowed: arrayAllowed)
        }
    }

    private mutating func whole(arrayAllowed: Bool) throws(Decline) -> BSON {
        skipSpace()
        let value: BSON
        switch peek() {
        case UInt8(ascii: "{"): value = try object()
        case UInt8(ascii: "[") where arrayAllowed: value = try array()
        default: throw Decline()
        }
        skipSpace()
        guard index == bytes.count else { throw Decline() }
        // The escape leaves `$type` to libbson when the text holds its placeholder anywhere.
        if sawTypeKey, contains(Self.placeholder) { throw Decline() }
        return value
    }

    // MARK: - Values

    private mutating func value() throws(Decline) -> BSON {
        switch peek() {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        default: return try number()
        }
    }

    private mutating func object() throws(Decline) -> BSON {
        var elements: [(key: String, value: BSON)] = []
        var keys: Set<String> = []
        if try open(closedBy: UInt8(ascii: "}")) { return .document(BSONDocument(elements: elements)) }
        // Most objects of a file hold a few keys: one allocation instead of three growths.
        elements.reserveCapacity(6)
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw Decline() }
            let keyStart = index + 1
            let key = try string(plain: true)
            let keyEnd = index - 1
            skipSpace()
            guard peek() == UInt8(ascii: ":") else { throw Decline() }
            index += 1
            skipSpace()
            if keyStart < keyEnd, bytes[keyStart] == UInt8(ascii: "$") {
                if let special = Self.special(bytes, keyStart, keyEnd) {
                    switch special {
                    case .typeOperator:
                        sawTypeKey = true
                    case .wrapper where elements.isEmpty && depth > 1:
                        let value = try wrapped(key)
                        guard try endOfElement(closedBy: UInt8(ascii: "}")) else { throw Decline() }
                        return value
                    default:
                        throw Decline()
                    }
                } else if elements.isEmpty, ExtendedJSONNearMiss.meant(UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])) != nil {
                    // A misspelt type key is an error, which the full path reports with its line.
                    throw Decline()
                }
            }
            // A key written twice is an error Preflight reports with its line (libbson
            // keeps both): the full path and the source map find it.
            if elements.count < 16 {
                for element in elements where element.key == key { throw Decline() }
            } else {
                if keys.isEmpty { keys = Set(elements.map(\.key)) }
                guard keys.insert(key).inserted else { throw Decline() }
            }
            elements.append((key: key, value: try value()))
            if try endOfElement(closedBy: UInt8(ascii: "}")) { return .document(BSONDocument(elements: elements)) }
        }
    }

    private mutating func array() throws(Decline) -> BSON {
        var values: [BSON] = []
        if try open(closedBy: UInt8(ascii: "]")) { return .array(values) }
        while true {
            values.append(try value())
            if try endOfElement(closedBy: UInt8(ascii: "]")) { return .array(values) }
        }
    }

    /// Steps into the object or array whose opening bracket is at `index`; true when it
    /// closes at once (`{}`, `[]`), and is then left.
    @inline(__always)
    private mutating func open(closedBy closing: UInt8) throws(Decline) -> Bool {
        index += 1
        depth += 1
        // libbson stops at 98 levels; deep nesting is rare enough to leave to it.
        guard depth <= 64 else { throw Decline() }
        skipSpace()
        guard peek() == closing else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After an element: a comma and the next element (false), or the closing bracket,
    /// which leaves the object or array (true).
    @inline(__always)
    private mutating func endOfElement(closedBy closing: UInt8) throws(Decline) -> Bool {
        skipSpace()
        switch peek() {
        case UInt8(ascii: ","):
            index += 1
            skipSpace()
            return false
        case closing:
            index += 1
            depth -= 1
            return true
        default:
            throw Decline()
        }
    }

    private mutating func word(_ word: StaticString) throws(Decline) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Decline() }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] { throw Decline() }
        index += count
    }

    // MARK: - Strings

    /// The string whose opening quote is at `index`; `index` ends after the closing one.
    /// - Parameter plain: decline a string with an escape. Keys: the full path compares them
    ///   with the type keys after unescaping. A wrapper's value: the strictness scan checks
    ///   it as written, escapes and all. Both are rare.
    private mutating func string(plain: Bool = false) throws(Decline) -> String {
        let start = index + 1
        var end = start
        var ascii = true
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                if plain { throw Decline() }
                return try escapedString(from: start)
            }
            if byte < 0x20 { throw Decline() }
            if byte >= 0x80 { ascii = false }
            end += 1
        }
        guard end < bytes.count else { throw Decline() }
        index = end + 1
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if ascii { return String(decoding: text, as: UTF8.self) }
        guard let valid = String(validating: text, as: UTF8.self) else { throw Decline() }
        return valid
    }

    private mutating func escapedString(from start: Int) throws(Decline) -> String {
        var text: [UInt8] = []
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                guard let valid = String(validating: text, as: UTF8.self) else { throw Decline() }
                return valid
            }
            if byte < 0x20 { throw Decline() }
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                position += 1
                continue
            }
            guard position + 1 < bytes.count else { throw Decline() }
            let escaped = bytes[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try hexUnit(at: position)
                position += 4
                // A NUL or a lone surrogate: the full path says what becomes of them.
                guard unit != 0, !(0xDC00...0xDFFF).contains(unit) else { throw Decline() }
                var scalarValue = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit) {
                    guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw Decline() }
                    let low = try hexUnit(at: position + 2)
                    guard (0xDC00...0xDFFF).contains(low) else { throw Decline() }
                    position += 6
                    scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { throw Decline() }
                text.append(contentsOf: String(Character(scalar)).utf8)
            default:
                throw Decline()
            }
        }
        throw Decline()
    }

    private func hexUnit(at position: Int) throws(Decline) -> UInt16 {
        guard position + 4 <= bytes.count else { throw Decline() }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            guard let nibble = ObjectID.nibble(bytes[position + offset]) else { throw Decline() }
            unit = unit << 4 | UInt16(nibble)
        }
        return unit
    }

    // MARK: - Numbers

    /// A JSON number as libbson types it: an integer is an int32 when it fits, else an
    /// int64; one with a fraction or an exponent is a double. Integers outside int64,
    /// `-0`, and doubles near the ends of the range are declined: the full path reports
    /// or decides them.
    private mutating func number() throws(Decline) -> BSON {
        let start = index
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, JSONBytes.isDigit(bytes[index]) {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            magnitude = plus
            overflow = overflow || o1 || o2
            index += 1
        }
        let integerDigits = index - digitsStart
        // JSON allows no leading zero and no empty integer part.
        guard integerDigits > 0, integerDigits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { throw Decline() }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard try digits() > 0 else { throw Decline() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            // At most two exponent digits and 25 characters in all: no overflow, no underflow.
            guard try digits() > 0, index - exponentStart <= 2 else { throw Decline() }
        }
        if isInteger {
            guard !overflow, !(negative && magnitude == 0) else { throw Decline() }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { throw Decline() }
                let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
                return value >= Int64(Int32.min) ? .int32(Int32(value)) : .int64(value)
            }
            guard magnitude <= UInt64(Int64.max) else { throw Decline() }
            return magnitude <= UInt64(Int32.max) ? .int32(Int32(magnitude)) : .int64(Int64(magnitude))
        }
        guard index - start <= 25 else { throw Decline() }
        let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(token), value.isFinite else { throw Decline() }
        return .double(value)
    }

    /// Skips decimal digits and says how many there were.
    private mutating func digits() throws(Decline) -> Int {
        let start = index
        while index < bytes.count, JSONBytes.isDigit(bytes[index]) { index += 1 }
        return index - start
    }

    // MARK: - Extended JSON wrappers

    /// What a `$` key is to libbson's reader: a type wrapper read here, the `$type`
    /// operator (an ordinary key once escaped), or one of its other type keys (declined).
    private enum Special {
        case wrapper, typeOperator, other
    }

    /// nil for a `$` key libbson reads as an ordinary key (`$set`, `$gte`, `$match`…).
    private static func special(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Special? {
        let key = UnsafeBufferPointer(rebasing: bytes[start..<end])
        for (word, kind) in typeKeys where word.count == key.count && word.elementsEqual(key) { return kind }
        // The escape's own placeholder is left to the full path.
        if key.count >= 3, key[1] == UInt8(ascii: "_"), key[2] == UInt8(ascii: "_") { return .other }
        return nil
    }

    /// Every `$` key libbson 1.23's JSON reader gives a meaning of its own.
    private static let typeKeys: [([UInt8], Special)] =
        [("$oid", Special.wrapper), ("$date", .wrapper), ("$numberInt", .wrapper), ("$numberLong", .wrapper),
         ("$numberDouble", .wrapper), ("$numberDecimal", .wrapper), ("$type", .typeOperator)]
        .map { (Array($0.0.utf8), $0.1) }
        + ["$binary", "$code", "$scope", "$maxKey", "$minKey", "$options", "$regex", "$regularExpression", "$symbol",
           "$timestamp", "$undefined", "$uuid", "$dbPointer", "$ref", "$id", "$db"]
        .map { (Array($0.utf8), Special.other) }

    /// The same keys, for the check of misspelt ones (`ExtendedJSONNearMiss`).
    static let typeKeyNames = typeKeys.map(\.0)

    private static let placeholder = Array(TypeOperatorEscape.placeholder.utf8)

    /// The value of `{"<key>": …}`, at `index` just after the colon.
    private mutating func wrapped(_ key: String) throws(Decline) -> BSON {
        if key == "$date" {
            if peek() == UInt8(ascii: "{") {
                index += 1
                skipSpace()
                guard peek() == UInt8(ascii: "\""), try string(plain: true) == "$numberLong" else { throw Decline() }
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw Decline() }
                index += 1
                skipSpace()
                guard peek() == UInt8(ascii: "\""), let milliseconds = Self.plainInteger(try string(plain: true), Int64.self) else { throw Decline() }
                skipSpace()
                guard peek() == UInt8(ascii: "}") else { throw Decline() }
                index += 1
                return .datetime(milliseconds)
            }
            guard peek() == UInt8(ascii: "\""), let milliseconds = Self.isoDate(Array(try string(plain: true).utf8)) else { throw Decline() }
            return .datetime(milliseconds)
        }
        guard peek() == UInt8(ascii: "\"") else { throw Decline() }
        let text = try string(plain: true)
        switch key {
        case "$oid":
            guard let id = ObjectID(hex: text) else { throw Decline() }
            return .objectID(id)
        case "$numberInt":
            guard let value = Self.plainInteger(text, Int32.self) else { throw Decline() }
            return .int32(value)
        case "$numberLong":
            guard let value = Self.plainInteger(text, Int64.self) else { throw Decline() }
            return .int64(value)
        case "$numberDouble":
            switch text {
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            case "NaN": return .double(.nan)
            default:
                guard Self.isPlainDecimal(text), let value = Double(text), value.isFinite else { throw Decline() }
                return .double(value)
            }
        case "$numberDecimal":
            guard ExtendedJSONStrictness.decimalProblem(text) == nil, let value = Decimal128(text) else { throw Decline() }
            return .decimal128(value)
        default:
            throw Decline()
        }
    }

    /// `-?digits` without a leading zero, `-0` or `+`, in range.
    private static func plainInteger<T: FixedWidthInteger>(_ text: String, _: T.Type) -> T? {
        let utf8 = text.utf8
        let digits = utf8.first == UInt8(ascii: "-") ? utf8.dropFirst() : utf8[...]
        guard let first = digits.first, digits.allSatisfy(JSONBytes.isDigit), digits.count == 1 || first != UInt8(ascii: "0"),
            !(digits.count == 1 && first == UInt8(ascii: "0") && digits.count != utf8.count)
        else { return nil }
        return T(text)
    }

    /// A JSON number's syntax, short enough to stay clear of the double's range ends.
    private static func isPlainDecimal(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 25 else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var reader = FastJSONReader(buffer)
            guard (try? reader.number()) != nil else { return false }
            return reader.index == buffer.count
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.mmm]Z` for a year from 1970 to 9999, as milliseconds since
    /// the epoch; nil for any other shape or a date that does not exist.
    static func isoDate(_ text: [UInt8]) -> Int64? {
        guard text.count == 20 || text.count == 24, text[text.count - 1] == UInt8(ascii: "Z"),
            text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for position in range {
                guard JSONBytes.isDigit(text[position]) else { return nil }
                value = value * 10 + Int(text[position] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            year >= 1970, (1...12).contains(month), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        guard (1...JSONBytes.days(inMonth: month, of: year)).contains(day) else { return nil }
        var milliseconds = 0
        if text.count == 24 {
            guard text[19] == UInt8(ascii: "."), let fraction = number(20..<23) else { return nil }
            milliseconds = fraction
        }
        // Days since 1970-01-01 in the proleptic Gregorian calendar.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Int64(seconds) * 1000 + Int64(milliseconds)
    }

    // MARK: - Bytes

    private func peek() -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    private mutating func skipSpace() {
        while index < bytes.count, JSONBytes.isWhitespace(bytes[index]) { index += 1 }
    }

    private func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            bytes[start] == needle[0] && UnsafeBufferPointer(rebasing: bytes[start..<(start + needle.count)]).elementsEqual(needle)
        }
    }
}
