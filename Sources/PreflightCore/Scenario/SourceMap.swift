import Foundation
import Mongo

/// Line and column of the keys and array elements of a JSON text, by JSON path, so that
/// a structural error (found later, on the parsed value) can still point at its line.
///
/// This is not a second JSON parser: libbson has already parsed and accepted the text;
/// this only follows its brackets, strings and commas to know where each path begins.
struct SourceMap: Sendable {
    private let bytes: [UInt8]
    /// Where the paths of at most `shallowDepth` components start (a file's top-level keys
    /// and the tests of its `tests`, whose lines every report gives), recorded up front.
    private let shallow: Positions
    /// Every other path, filled by the first `location(of:)` deeper than that: a valid
    /// file never asks, and a path for every key and element was a third of reading a
    /// large file.
    private let table = PositionTable()
    /// Keys written twice in one object, where the second one is. libbson keeps both, so
    /// the server would see both while validation looked at one.
    let duplicateKeys: [(path: JSONPath, line: Int, column: Int)]
    private let keysAreDistinct: Bool

    /// Deep enough for every structural key of a scenario; documents deeper than this are
    /// located by their nearest recorded ancestor.
    private static let maximumDepth = 10
    private static let shallowDepth = 2

    /// - Parameter keysAreDistinct: the JSON reader found no key written twice in one
    ///   object, so the scan need not look for one: it then reads only the keys of the
    ///   shallow paths, and skips the others.
    init(_ bytes: [UInt8], keysAreDistinct: Bool = false) {
        self.bytes = bytes
        self.keysAreDistinct = keysAreDistinct
        (shallow, duplicateKeys) = Self.scan(bytes, recordingDepth: Self.shallowDepth, findingDuplicates: !keysAreDistinct)
    }

    /// Where `path` starts, or its nearest recorded ancestor.
    func location(of path: JSONPath) -> (line: Int, column: Int)? {
        let positions = path.count <= Self.shallowDepth
            ? shallow
            // A repeated key is located at its first writing, the one a lookup finds: the
            // deep scan looks for repeats too unless there are none.
            : table.positions { Self.scan(bytes, recordingDepth: Self.maximumDepth, findingDuplicates: !keysAreDistinct).positions }
        var path = path
        while true {
            if let position = positions[path] { return position }
            if path.isRoot { return nil }
            path = path.parent
        }
    }

    private typealias Positions = [JSONPath: (line: Int, column: Int)]

    /// Follows the text once: every duplicate key, and where each path of at most
    /// `recordingDepth` components starts.
    private static func scan(_ bytes: [UInt8], recordingDepth: Int, findingDuplicates: Bool)
        -> (positions: Positions, duplicateKeys: [(path: JSONPath, line: Int, column: Int)])
    {
        enum Frame {
            case object(key: String?)
            case array(index: Int)
        }
        var positions: Positions = [:]
        var duplicateKeys: [(path: JSONPath, line: Int, column: Int)] = []
        var stack: [Frame] = []
        // The keys seen in each open object, kept apart from `stack` so a key is added in
        // place: a set inside an enum case is copied on every change, which made an object
        // of 10,000 keys quadratic.
        var seenKeys: [SeenKeys] = []
        var line = 1
        var column = 1
        var index = bytes.starts(with: JSONBytes.byteOrderMark) ? 3 : 0
        var expectingKey = false

        func currentPath() -> JSONPath {
            JSONPath(stack.compactMap { frame in
                switch frame {
                case .object(let key): key.map { .key($0) }
                case .array(let index): .index(index)
                }
            })
        }
        // Records where an array element starts (object members are recorded at their key).
        func valueStarts() {
            if case .array = stack.last, stack.count <= recordingDepth {
                positions[currentPath()] = (line, column)
            }
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let (line0, column0) = (line, column)
                let isKey = expectingKey
                index += 1
                column += 1
                let textStart = index
                skipStringText(bytes, at: &index, column: &column)
                if isKey, case .object = stack.last, !seenKeys.isEmpty {
                    if findingDuplicates || stack.count <= recordingDepth {
                        let key = unescape(bytes[textStart..<index])
                        let repeated = findingDuplicates && !seenKeys[seenKeys.count - 1].insert(key)
                        stack[stack.count - 1] = .object(key: key)
                        if repeated { duplicateKeys.append((currentPath(), line0, column0)) }
                        if stack.count <= recordingDepth, !repeated { positions[currentPath()] = (line0, column0) }
                    }
                    expectingKey = false
                } else {
                    let saved = (line, column)
                    (line, column) = (line0, column0)
                    valueStarts()
                    (line, column) = saved
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.isEmpty { positions[.root] = (line, column) }
                valueStarts()
                if !findingDuplicates && stack.count >= recordingDepth {
                    // Nothing inside is recorded or checked: only where it ends matters.
                    skipContainer(bytes, at: &index, line: &line, column: &column)
                    expectingKey = false
                    continue
                }
                stack.append(byte == UInt8(ascii: "{") ? .object(key: nil) : .array(index: 0))
                if byte == UInt8(ascii: "{") { seenKeys.append(SeenKeys()) }
                expectingKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if case .object = stack.popLast() { _ = seenKeys.popLast() }
                expectingKey = false
            case UInt8(ascii: ","):
                if case .array(let position) = stack.last {
                    stack[stack.count - 1] = .array(index: position + 1)
                } else {
                    expectingKey = true
                }
            case UInt8(ascii: "\n"):
                line += 1
                column = 0
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ":"):
                break
            default:
                // The first byte of a number, true, false or null: one value starts here.
                if index == 0 || !continuesScalar(bytes[index - 1]) { valueStarts() }
            }
            if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (positions, duplicateKeys)
    }

    /// Moves from the first byte of a string's text to its closing quote, counting the
    /// columns of its characters (an escape counts as the two it is written with).
    private static func skipStringText(_ bytes: [UInt8], at index: inout Int, column: inout Int) {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                index += 2
                column += 2
                continue
            }
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }

    /// Moves past the object or array opening at `index`, to the byte after its closing
    /// bracket, counting lines and columns as the scan does: the quick way through the
    /// bulk of a file, whose documents and steps lie deeper than the recorded paths.
    private static func skipContainer(_ bytes: [UInt8], at index: inout Int, line: inout Int, column: inout Int) {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                column += 1
                skipStringText(bytes, at: &index, column: &column)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    column += 1
                    index += 1
                    return
                }
            case UInt8(ascii: "\n"):
                line += 1
                column = 0
            default:
                break
            }
            if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }

    /// The keys of one open object. Most objects hold a handful, compared in a list
    /// faster than hashed; past 16 they go into a set, so an object of 10,000 keys stays
    /// linear.
    private struct SeenKeys {
        private var list: [String] = []
        private var set: Set<String>?

        /// Adds `key`; false when it was there already.
        mutating func insert(_ key: String) -> Bool {
            if set != nil { return set!.insert(key).inserted }
            if list.contains(key) { return false }
            list.append(key)
            if list.count > 16 {
                set = Set(list)
                list = []
            }
            return true
        }
    }

    /// A key's text with JSON's escapes decoded, so `"caf\u00e9"` is found as `café`.
    /// The text was already accepted by libbson, so it is well formed.
    static func unescape(_ raw: some Collection<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let raw = Array(raw)
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var pendingHigh: UInt32?
        func flush() {
            out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes = []
        }
        var index = 0
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count else {
                bytes.append(raw[index])
                index += 1
                continue
            }
            flush()
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "b"): out.append("\u{8}")
            case UInt8(ascii: "f"): out.append("\u{C}")
            case UInt8(ascii: "u"):
                let hex = String(decoding: raw[index..<min(index + 4, raw.count)], as: UTF8.self)
                index += 4
                guard let code = UInt32(hex, radix: 16) else { continue }
                if (0xD800...0xDBFF).contains(code) {
                    pendingHigh = code
                } else if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                    pendingHigh = nil
                    if let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)) { out.append(scalar) }
                } else if let scalar = Unicode.Scalar(code) {
                    out.append(scalar)
                }
            default: out.append(Unicode.Scalar(escape))
            }
        }
        flush()
        return String(out)
    }

    private static func continuesScalar(_ byte: UInt8) -> Bool {
        !(byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r"))
    }
}

/// The position table, built once when a message first needs a line, shared by the
/// copies of a `SourceMap` (a library keeps one beside its procedures).
private final class PositionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [JSONPath: (line: Int, column: Int)]?

    func positions(_ build: () -> [JSONPath: (line: Int, column: Int)]) -> [JSONPath: (line: Int, column: Int)] {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let positions = build()
        built = positions
        return positions
    }
}
