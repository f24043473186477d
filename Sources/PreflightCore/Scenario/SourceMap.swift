import Mongo

/// Line and column of the keys and array elements of a JSON text, by JSON path, so that
/// a structural error (found later, on the parsed value) can still point at its line.
///
/// This is not a second JSON parser: libbson has already parsed and accepted the text;
/// this only follows its brackets, strings and commas to know where each path begins.
struct SourceMap: Sendable {
    private var positions: [JSONPath: (line: Int, column: Int)] = [:]

    /// Deep enough for every structural key of a scenario; documents deeper than this are
    /// located by their nearest recorded ancestor.
    private static let maximumDepth = 10

    init(_ bytes: [UInt8]) {
        enum Frame {
            case object(key: String?)
            case array(index: Int)
        }
        var stack: [Frame] = []
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
            if case .array = stack.last, stack.count <= Self.maximumDepth {
                positions[currentPath()] = (line, column)
            }
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let (line0, column0) = (line, column)
                var text: [UInt8] = []
                index += 1
                column += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        text.append(bytes[index + 1])
                        index += 2
                        column += 2
                        continue
                    }
                    if bytes[index] & 0xC0 != 0x80 { column += 1 }
                    text.append(bytes[index])
                    index += 1
                }
                if expectingKey, case .object = stack.last {
                    stack[stack.count - 1] = .object(key: String(decoding: text, as: UTF8.self))
                    if stack.count <= Self.maximumDepth { positions[currentPath()] = (line0, column0) }
                    expectingKey = false
                } else {
                    let saved = (line, column)
                    (line, column) = (line0, column0)
                    valueStarts()
                    (line, column) = saved
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                valueStarts()
                stack.append(byte == UInt8(ascii: "{") ? .object(key: nil) : .array(index: 0))
                expectingKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
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
                if index == 0 || !Self.continuesScalar(bytes[index - 1]) { valueStarts() }
            }
            if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }

    private static func continuesScalar(_ byte: UInt8) -> Bool {
        !(byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r"))
    }

    /// Where `path` starts, or its nearest recorded ancestor.
    func location(of path: JSONPath) -> (line: Int, column: Int)? {
        var components = path.components
        while true {
            if let position = positions[JSONPath(components)] { return position }
            if components.isEmpty { return nil }
            components.removeLast()
        }
    }
}
