import CMongoC
import Foundation

/// MongoDB Extended JSON v2: read through libbson's parser, written here.
///
/// Most text never reaches libbson: `FastJSONReader` reads the plain forms in one pass
/// and gives anything else to the full path below, so what follows is the contract.
///
/// Reading keeps libbson's rules (plain integers are int32 when they fit, else int64;
/// numbers with a fraction or exponent are doubles; key order as written) and adds what a
/// test tool needs on top: every error located by line and column, trailing content
/// after the document rejected rather than silently ignored, and the `$type` query
/// operator accepted (see `TypeOperatorEscape`).
public enum ExtendedJSON {
    public enum Mode: Sendable {
        /// Every value typed explicitly: `{"$numberInt": "1"}`. Lossless.
        case canonical
        /// Natural JSON where it is unambiguous: `1`, `"2026-01-27T20:00:00Z"` dates.
        case relaxed
    }

    /// Parses one JSON object.
    /// - Throws: `ExtendedJSONError` with the line and column of the first problem.
    public static func parseDocument(_ text: String) throws(ExtendedJSONError) -> BSONDocument {
        try parseDocument(Array(text.utf8))
    }

    /// Parses one JSON object from UTF-8 bytes.
    public static func parseDocument(_ bytes: [UInt8]) throws(ExtendedJSONError) -> BSONDocument {
        if let document = FastJSONReader.document(bytes) { return document }
        return try parseDocumentFully(bytes)
    }

    /// `parseDocument` without `FastJSONReader`: libbson's reader and the checks around it.
    static func parseDocumentFully(_ bytes: [UInt8]) throws(ExtendedJSONError) -> BSONDocument {
        guard firstSignificantByte(bytes) == UInt8(ascii: "{") else {
            throw error(bytes, at: firstSignificantOffset(bytes), "expected a JSON object (`{`)")
        }
        return try parseTopLevel(bytes)
    }

    /// Parses a JSON object or array: `.document` or `.array`.
    public static func parseValue(_ bytes: [UInt8]) throws(ExtendedJSONError) -> BSON {
        try parseValueNotingKeys(bytes).value
    }

    /// `parseValue`, and whether no object of the text is known to hold a key twice: true
    /// when the fast reader read it (it declines duplicates); false says only "not checked".
    public static func parseValueNotingKeys(_ bytes: [UInt8]) throws(ExtendedJSONError) -> (value: BSON, keysAreDistinct: Bool) {
        if let value = FastJSONReader.value(bytes) { return (value, true) }
        return (try parseValueFully(bytes), false)
    }

    /// `parseValue` without `FastJSONReader`.
    static func parseValueFully(_ bytes: [UInt8]) throws(ExtendedJSONError) -> BSON {
        switch firstSignificantByte(bytes) {
        case UInt8(ascii: "{"):
            return .document(try parseTopLevel(bytes))
        case UInt8(ascii: "["):
            // libbson reads a top-level array as a document keyed "0", "1", …
            return .array(try parseTopLevel(bytes).values)
        default:
            throw error(bytes, at: firstSignificantOffset(bytes), "expected a JSON object (`{`) or array (`[`)")
        }
    }

    private static func parseTopLevel(_ bytes: [UInt8]) throws(ExtendedJSONError) -> BSONDocument {
        // libbson does not skip a UTF-8 byte order mark: it reads a copy with the mark
        // blanked, which keeps every offset, while errors are located in the original text.
        var readable = bytes
        if readable.starts(with: JSONBytes.byteOrderMark) { readable.replaceSubrange(0..<3, with: [0x20, 0x20, 0x20]) }
        if let problem = ExtendedJSONStrictness.firstProblem(in: readable) {
            throw error(bytes, at: problem.offset, problem.message)
        }
        let escaped = TypeOperatorEscape(readable)
        // Fast path: the whole buffer at once. Only when it fails is the text read again a
        // byte at a time, because then the bytes consumed tell where libbson stopped.
        if let document = try? read(escaped.bytes, chunkSize: max(escaped.bytes.count, 1)) {
            return escaped.restore(document)
        }
        do {
            return escaped.restore(try read(escaped.bytes, chunkSize: 1))
        } catch let failure as ReadFailure {
            // Input that ends too soon has no bad byte: the problem is at the end.
            let offset = failure.atEnd ? bytes.count : escaped.originalOffset(max(failure.consumed - 1, 0))
            throw error(bytes, at: offset, failure.message)
        } catch {
            throw ExtendedJSONError(line: 1, column: 1, offset: 0, message: "\(error)")
        }
    }

    private struct ReadFailure: Error {
        var consumed: Int
        var message: String
        /// The input ended before the value did.
        var atEnd = false
    }

    private static let incomplete = "unexpected end of input: an object, array or string is not closed"

    /// What the byte reader callback reads from: the bytes, how far it got, the chunk size.
    private final class Source {
        let bytes: [UInt8]
        let chunkSize: Int
        var position = 0

        init(bytes: [UInt8], chunkSize: Int) {
            self.bytes = bytes
            self.chunkSize = chunkSize
        }
    }

    private static func read(_ bytes: [UInt8], chunkSize: Int) throws -> BSONDocument {
        let source = Source(bytes: bytes, chunkSize: chunkSize)
        let handle = Unmanaged.passRetained(source)
        guard
            let reader = bson_json_reader_new(
                handle.toOpaque(),
                { context, buffer, size in
                    guard let context, let buffer else { return 0 }
                    let source = Unmanaged<Source>.fromOpaque(context).takeUnretainedValue()
                    let count = min(size, source.chunkSize, source.bytes.count - source.position)
                    guard count > 0 else { return 0 }
                    let copied = source.bytes.withUnsafeBufferPointer { bytes -> Int in
                        guard let base = bytes.baseAddress else { return 0 }
                        buffer.update(from: base + source.position, count: count)
                        return count
                    }
                    source.position += copied
                    return copied
                },
                { context in
                    if let context { Unmanaged<Source>.fromOpaque(context).release() }
                },
                true, 0)
        else {
            handle.release()
            throw ReadFailure(consumed: 0, message: "libbson could not create a JSON reader")
        }
        defer { bson_json_reader_destroy(reader) }

        guard let document = bson_new() else {
            throw ReadFailure(consumed: 0, message: "libbson could not allocate a document")
        }
        defer { bson_destroy(document) }
        var bsonError = bson_error_t()
        let status = bson_json_reader_read(reader, document, &bsonError)
        if status < 0 {
            let message = describe(bsonError)
            throw ReadFailure(consumed: source.position, message: message, atEnd: message == incomplete)
        }
        if status == 0 {
            throw ReadFailure(consumed: source.position, message: "the input holds no JSON value")
        }
        let result = try BSONDocument(copying: document)

        // Anything but white space after the first value is an error: libbson alone would
        // ignore it, and a half-understood file must never run.
        let endOfValue = source.position
        guard let extra = bson_new() else { return result }
        defer { bson_destroy(extra) }
        let next = bson_json_reader_read(reader, extra, &bsonError)
        if next != 0 {
            let at = chunkSize == 1 ? endOfValue : source.position
            throw ReadFailure(consumed: at, message: "unexpected content after the end of the JSON value")
        }
        return result
    }

    /// libbson's messages, minus the byte position (replaced by line and column) and with
    /// its parser's token names spelled out.
    private static func describe(_ error: bson_error_t) -> String {
        var message = withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if message == "Incomplete JSON" {
            return incomplete
        }
        // The parser's own errors come as `Got parse error at "x", position 12: "CODE"` or
        // `error near position 6: "CODE"`: the position becomes line and column, the code words.
        guard let range = message.range(of: "position ") else { return message }
        let code = message[range.upperBound...].drop { $0 != ":" }.dropFirst()
            .trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        let hint = parserHints[code] ?? code.lowercased().replacingOccurrences(of: "_", with: " ")
        if message.hasPrefix("Got parse error at ") {
            // libbson quotes the token: `"x"`, and a quote mark as `"""`.
            let token = message[..<range.lowerBound].dropFirst("Got parse error at ".count).dropLast(2)
                .dropFirst().dropLast()
            // A stray comma has no value before it: a missing comma is not the likely slip.
            let said = token == "," && code == "STRAY_TOKEN" ? "no value comes before it (a comma too many, or a value missing?)" : hint
            message = token == "\"" ? "unexpected '\"': \(said)" : "unexpected \"\(token)\": \(said)"
        } else {
            message = hint
        }
        return message
    }

    private static let parserHints: [String: String] = [
        "STRAY_TOKEN": "it cannot follow what comes before it (is a comma or colon missing?)",
        "SPECIAL_EXPECTED": "expected a value (a string, number, object, array, true, false or null)",
        "SPECIAL_INCOMPLETE": "true, false or null is misspelled",
        "BRACKET_MISMATCH": "a closing bracket or brace does not match the one opened",
        "ESCAPE_INVALID": "invalid escape sequence in a string",
        "MISSING_TOKEN": "a comma or colon is missing",
        "PAIR_KEY": "a key was expected (keys are double-quoted strings)",
        "TRAILING_COMMA": "a trailing comma is not allowed in JSON",
        "WEIRD_WHITESPACE": "unexpected character (strings must be double-quoted)",
        "CANT_INSERT": "a value was expected (is there a missing comma?)",
        "STRING_OUTSIDE_CONTAINER": "a value was expected",
        "HKEY_EXPECTED": "a key was expected (keys are double-quoted strings)",
        "MISSING_COMMA": "a comma is missing",
        "INVALID_NUMBER": "invalid number",
        "EXPONENT_EXPECTED": "a number's exponent is incomplete",
        "DIGIT_EXPECTED": "a digit was expected",
        "VALUE_EXPECTED": "a value was expected",
        "LEVELS_EXCEEDED": "objects and arrays are nested too deeply (libbson reads at most 98 levels)",
        "UESCAPE_TOOSHORT": "a \\u escape needs four hexadecimal digits",
        "INVALID_CODEPOINT": "a \\u escape is not a valid Unicode code point",
    ]

    private static func firstSignificantOffset(_ bytes: [UInt8]) -> Int {
        var offset = 0
        // Skip a UTF-8 byte order mark and white space.
        if bytes.starts(with: JSONBytes.byteOrderMark) { offset = 3 }
        while offset < bytes.count, JSONBytes.isWhitespace(bytes[offset]) { offset += 1 }
        return offset
    }

    private static func firstSignificantByte(_ bytes: [UInt8]) -> UInt8? {
        let offset = firstSignificantOffset(bytes)
        return offset < bytes.count ? bytes[offset] : nil
    }

    private static func error(_ bytes: [UInt8], at offset: Int, _ message: String) -> ExtendedJSONError {
        let (line, column) = TextPosition.lineAndColumn(of: offset, in: bytes)
        return ExtendedJSONError(line: line, column: column, offset: offset, message: message)
    }
}

/// A JSON text that could not be read, located the way editors count: lines and columns
/// from 1, columns in characters.
public struct ExtendedJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// Byte offset of the problem in the input.
    public var offset: Int
    public var message: String

    public var description: String { "\(line):\(column): \(message)" }
}

/// Turns byte offsets into line and column.
public enum TextPosition {
    /// Columns count Unicode scalars; a byte order mark at the start takes none, as in editors.
    public static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        let start = bytes.starts(with: JSONBytes.byteOrderMark) ? 3 : 0
        for byte in bytes.prefix(min(offset, bytes.count)).dropFirst(start) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Count characters, not bytes: skip UTF-8 continuation bytes.
                column += 1
            }
        }
        return (line, column)
    }
}

/// Bytes with a meaning of their own in JSON text.
public enum JSONBytes {
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// Space, tab, line feed, carriage return: JSON's only white space. Compared, not
    /// searched for in a list: the readers ask it of every byte.
    public static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// An ASCII capital as its small letter; every other byte as it is.
    public static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The days of `month` (1 to 12) of `year` in the Gregorian calendar.
    static func days(inMonth month: Int, of year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}
