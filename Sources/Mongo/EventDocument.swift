import CMongoC

/// A command or reply from command monitoring, kept as the bytes libmongoc handed over.
///
/// Every command a run sends is seen by the monitor, and most are never looked at again:
/// copying the bytes costs a `memcpy`, where building a `BSONDocument` in the callback
/// cost more than the rest of Preflight's work on the operation. `document` parses them
/// for whoever needs it; `containsText` answers "is there anything here worth parsing"
/// without building anything.
public struct EventDocument: Sendable {
    public let bytes: [UInt8]

    /// Copies the document `pointer` (a `bson_t`) holds.
    init(copying pointer: OpaquePointer?) {
        guard let pointer, let data = bson_get_data(pointer) else {
            bytes = Self.empty
            return
        }
        // A BSON document starts with its length, little-endian.
        let length = Int(UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24)
        bytes = Array(UnsafeBufferPointer(start: data, count: length))
    }

    public init(_ document: BSONDocument) {
        bytes = (try? document.withBSONPointer { pointer in EventDocument(copying: pointer).bytes }) ?? Self.empty
    }

    /// `{}`: five bytes, the length and the terminating zero.
    private static let empty: [UInt8] = [5, 0, 0, 0, 0]

    /// The document, parsed; `{}` if libbson cannot read it (it came from libmongoc, so
    /// that does not happen).
    public var document: BSONDocument {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let pointer = bson_new_from_data(base, buffer.count) else { return [:] }
            return (try? BSONDocument(stealing: pointer)) ?? [:]
        }
    }

    /// Whether `matches` holds for a key, or a string, symbol or JavaScript value, at any
    /// depth (the UTF-8 bytes, without a terminating zero).
    public func containsText(_ matches: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            // One iterator per level of nesting, allocated once for the whole walk: a
            // bson_iter_t must be 128-byte aligned, and an aligned allocation per
            // subdocument cost more than the walk itself.
            var iterators = IteratorStack()
            defer { iterators.deallocate() }
            guard bson_iter_init_from_data(iterators.at(0), base, buffer.count) else { return false }
            return Self.containsText(depth: 0, in: &iterators, matches)
        }
    }

    private static func containsText(
        depth: Int, in iterators: inout IteratorStack, _ matches: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Bool {
        let iterator = iterators.at(depth)
        while bson_iter_next(iterator) {
            let key = bson_iter_key(iterator)!
            if matches(UnsafeBufferPointer(start: UnsafeRawPointer(key).assumingMemoryBound(to: UInt8.self), count: strlen(key))) {
                return true
            }
            var length: UInt32 = 0
            let text: UnsafePointer<CChar>?
            switch bson_iter_type(iterator) {
            case BSON_TYPE_UTF8: text = bson_iter_utf8(iterator, &length)
            case BSON_TYPE_SYMBOL: text = bson_iter_symbol(iterator, &length)
            case BSON_TYPE_CODE: text = bson_iter_code(iterator, &length)
            case BSON_TYPE_CODEWSCOPE: text = bson_iter_codewscope(iterator, &length, nil, nil)
            case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
                if bson_iter_recurse(iterator, iterators.at(depth + 1)), containsText(depth: depth + 1, in: &iterators, matches) {
                    return true
                }
                continue
            default:
                continue
            }
            if let text, matches(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: Int(length))) {
                return true
            }
        }
        return false
    }
}

/// `bson_iter_t`s for a walk, one per depth, in blocks of eight allocated as needed.
private struct IteratorStack {
    private var blocks: [UnsafeMutableRawPointer] = []
    private static let perBlock = 8

    mutating func at(_ depth: Int) -> OpaquePointer {
        while depth / Self.perBlock >= blocks.count {
            let size = cmongoc_bson_iter_size() * Self.perBlock
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 128)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            blocks.append(block)
        }
        return OpaquePointer(blocks[depth / Self.perBlock] + cmongoc_bson_iter_size() * (depth % Self.perBlock))
    }

    func deallocate() {
        blocks.forEach { $0.deallocate() }
    }
}
