import CMongoC

// Conversion between Swift values and libbson's `bson_t`. `bson_t` is declared 128-byte
// aligned, so Swift imports it as an opaque pointer: every one is made with `bson_new` or
// a libbson constructor and freed with `bson_destroy`, never built on the stack.

extension BSONDocument {
    /// Reads a libbson document into Swift values, copying everything out of `pointer`.
    /// - Throws: `MongoError` of kind `.client` if the bytes are not valid BSON.
    init(copying pointer: OpaquePointer) throws(MongoError) {
        self = try BSONIterator.with { (iterator) throws(MongoError) in
            guard bson_iter_init(iterator, pointer) else {
                throw MongoError(kind: .client, message: "A document from libbson is not valid BSON.")
            }
            return try Self.read(iterator)
        }
    }

    /// Reads the document of `pointer` and destroys it: for the bson_t's libmongoc hands over.
    init(stealing pointer: OpaquePointer) throws(MongoError) {
        defer { bson_destroy(pointer) }
        try self.init(copying: pointer)
    }

    fileprivate static func read(_ iterator: OpaquePointer) throws(MongoError) -> BSONDocument {
        var elements: [(key: String, value: BSON)] = []
        while bson_iter_next(iterator) {
            // Most documents a run reads hold a few keys: room for them at once.
            if elements.isEmpty { elements.reserveCapacity(8) }
            elements.append((key: String(cString: bson_iter_key(iterator)), value: try BSON.read(iterator)))
        }
        // bson_iter_next also returns false on corrupt data; err_off tells the two apart.
        let errorOffset = cmongoc_bson_iter_err_off(iterator)
        guard errorOffset == 0 else {
            throw MongoError(kind: .client, message: "A document from libbson is corrupt at byte \(errorOffset).")
        }
        return BSONDocument(elements: elements)
    }

    /// Lends a freshly built `bson_t` holding this document to `body`.
    ///
    /// The pointer is destroyed when `body` returns: it must not escape.
    /// - Throws: `MongoError` of kind `.client` if the document cannot be encoded (a key
    ///   with a NUL byte, a document over libbson's size limit), or whatever `body` throws.
    public func withBSONPointer<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        let pointer = try makeBSON()
        defer { bson_destroy(pointer) }
        return try body(pointer)
    }

    /// A new `bson_t` the caller owns and must `bson_destroy`.
    func makeBSON() throws(MongoError) -> OpaquePointer {
        guard let pointer = bson_new() else {
            throw MongoError(kind: .client, message: "libbson could not allocate a document.")
        }
        do {
            for (key, value) in elements {
                try value.append(to: pointer, key: key)
            }
        } catch {
            bson_destroy(pointer)
            throw error
        }
        return pointer
    }

    /// A BSON array is a document keyed "0", "1", …; this builds one from values.
    static func makeArrayBSON(_ values: [BSON]) throws(MongoError) -> OpaquePointer {
        try BSONDocument(values.enumerated().map { (String($0.offset), $0.element) }).makeBSON()
    }
}

extension BSON {
    fileprivate static func read(_ iterator: OpaquePointer) throws(MongoError) -> BSON {
        let type = bson_iter_type(iterator)
        switch type {
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iterator))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            let pointer = bson_iter_utf8(iterator, &length)
            return .string(Self.string(pointer, length))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            return try BSONIterator.with { (child) throws(MongoError) in
                guard bson_iter_recurse(iterator, child) else {
                    throw MongoError(kind: .client, message: "A nested document from libbson is not valid BSON.")
                }
                guard type == BSON_TYPE_ARRAY else { return .document(try BSONDocument.read(child)) }
                // An array's keys are "0", "1", …: its values are read without making them strings.
                var values: [BSON] = []
                while bson_iter_next(child) { values.append(try BSON.read(child)) }
                guard cmongoc_bson_iter_err_off(child) == 0 else {
                    throw MongoError(kind: .client, message: "An array from libbson is corrupt at byte \(cmongoc_bson_iter_err_off(child)).")
                }
                return .array(values)
            }
        case BSON_TYPE_BINARY:
            var subtype = BSON_SUBTYPE_BINARY
            var length: UInt32 = 0
            var data: UnsafePointer<UInt8>?
            bson_iter_binary(iterator, &subtype, &length, &data)
            let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
            return .binary(BSONBinary(subtype: UInt8(truncatingIfNeeded: subtype.rawValue), bytes: bytes))
        case BSON_TYPE_UNDEFINED:
            return .undefined
        case BSON_TYPE_OID:
            return .objectID(ObjectID(bson_iter_oid(iterator)))
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iterator))
        case BSON_TYPE_DATE_TIME:
            return .datetime(bson_iter_date_time(iterator))
        case BSON_TYPE_NULL:
            return .null
        case BSON_TYPE_REGEX:
            var options: UnsafePointer<CChar>?
            let pattern = bson_iter_regex(iterator, &options)
            return .regex(pattern: pattern.map { String(cString: $0) } ?? "", options: options.map { String(cString: $0) } ?? "")
        case BSON_TYPE_DBPOINTER:
            var length: UInt32 = 0
            var collection: UnsafePointer<CChar>?
            var oid: UnsafePointer<bson_oid_t>?
            bson_iter_dbpointer(iterator, &length, &collection, &oid)
            return .dbPointer(ref: Self.string(collection, length), id: ObjectID(oid))
        case BSON_TYPE_CODE:
            var length: UInt32 = 0
            let code = bson_iter_code(iterator, &length)
            return .javascript(Self.string(code, length))
        case BSON_TYPE_SYMBOL:
            var length: UInt32 = 0
            let symbol = bson_iter_symbol(iterator, &length)
            return .symbol(Self.string(symbol, length))
        case BSON_TYPE_CODEWSCOPE:
            var length: UInt32 = 0
            var scopeLength: UInt32 = 0
            var scopeData: UnsafePointer<UInt8>?
            let code = bson_iter_codewscope(iterator, &length, &scopeLength, &scopeData)
            guard let scopeData, let scope = bson_new_from_data(scopeData, Int(scopeLength)) else {
                throw MongoError(kind: .client, message: "A code-with-scope value from libbson has no valid scope.")
            }
            return .javascriptWithScope(code: Self.string(code, length), scope: try BSONDocument(stealing: scope))
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iterator))
        case BSON_TYPE_TIMESTAMP:
            var seconds: UInt32 = 0
            var increment: UInt32 = 0
            bson_iter_timestamp(iterator, &seconds, &increment)
            return .timestamp(seconds: seconds, increment: increment)
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iterator))
        case BSON_TYPE_DECIMAL128:
            var value = bson_decimal128_t()
            bson_iter_decimal128(iterator, &value)
            return .decimal128(Decimal128(low: value.low, high: value.high))
        case BSON_TYPE_MINKEY:
            return .minKey
        case BSON_TYPE_MAXKEY:
            return .maxKey
        default:
            throw MongoError(kind: .client, message: "libbson returned an unknown BSON type 0x\(String(type.rawValue, radix: 16)).")
        }
    }

    /// BSON strings carry their length and may hold NUL bytes, so never read them as C strings.
    private static func string(_ pointer: UnsafePointer<CChar>?, _ length: UInt32) -> String {
        guard let pointer else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
        }
    }

    fileprivate func append(to document: OpaquePointer, key: String) throws(MongoError) {
        // libbson takes these as C strings: a NUL would silently cut them short.
        for text in cStringParts where text.utf8.contains(0) {
            throw MongoError(
                kind: .client,
                message: "The \(typeAlias) value under key \"\(key)\" holds a NUL byte, which BSON cannot store in it.")
        }
        // libbson silently drops regex options BSON does not define; refuse them instead.
        if case .regex(_, let options) = self, let unknown = options.first(where: { !"ilmsux".contains($0) }) {
            throw MongoError(
                kind: .client,
                message: "The regex under key \"\(key)\" has option \"\(unknown)\"; BSON regex options are i, l, m, s, u and x.")
        }
        // A short Swift string has no C string of its own: passed to libbson as one, each key
        // and string value was copied to the heap first. Its bytes, lent with their length
        // (libbson reads no further), need no copy.
        let appended = try Self.withBytes(of: key) { key, keyLength in
            appendValue(to: document, key: key, keyLength: keyLength)
        }.get()
        guard appended else {
            throw MongoError(
                kind: .client,
                message: "The value under key \"\(key)\" cannot be encoded as BSON (the key holds a NUL byte, or the document is over 2 GiB).")
        }
    }

    /// Appends the value under `key` (`keyLength` bytes, not NUL-terminated); false when
    /// libbson refuses it.
    private func appendValue(to document: OpaquePointer, key: UnsafePointer<CChar>, keyLength: Int32) -> Result<Bool, MongoError> {
        do throws(MongoError) {
            let appended: Bool
            switch self {
            case .double(let value):
                appended = bson_append_double(document, key, keyLength, value)
            case .string(let value):
                appended = Self.withBytes(of: value) { bson_append_utf8(document, key, keyLength, $0, $1) }
            case .document(let value):
                let child = try value.makeBSON()
                defer { bson_destroy(child) }
                appended = bson_append_document(document, key, keyLength, child)
            case .array(let values):
                let child = try BSONDocument.makeArrayBSON(values)
                defer { bson_destroy(child) }
                appended = bson_append_array(document, key, keyLength, child)
            case .binary(let value):
                appended = bson_append_binary(
                    document, key, keyLength, bson_subtype_t(rawValue: UInt32(value.subtype)), value.bytes,
                    UInt32(value.bytes.count))
            case .undefined:
                appended = bson_append_undefined(document, key, keyLength)
            case .objectID(let value):
                var oid = value.oid
                appended = bson_append_oid(document, key, keyLength, &oid)
            case .bool(let value):
                appended = bson_append_bool(document, key, keyLength, value)
            case .datetime(let value):
                appended = bson_append_date_time(document, key, keyLength, value)
            case .null:
                appended = bson_append_null(document, key, keyLength)
            case .regex(let pattern, let options):
                appended = bson_append_regex(document, key, keyLength, pattern, options)
            case .dbPointer(let ref, let id):
                var oid = id.oid
                appended = bson_append_dbpointer(document, key, keyLength, ref, &oid)
            case .javascript(let code):
                appended = bson_append_code(document, key, keyLength, code)
            case .symbol(let value):
                appended = Self.withBytes(of: value) { bson_append_symbol(document, key, keyLength, $0, $1) }
            case .javascriptWithScope(let code, let scope):
                let child = try scope.makeBSON()
                defer { bson_destroy(child) }
                appended = bson_append_code_with_scope(document, key, keyLength, code, child)
            case .int32(let value):
                appended = bson_append_int32(document, key, keyLength, value)
            case .timestamp(let seconds, let increment):
                appended = bson_append_timestamp(document, key, keyLength, seconds, increment)
            case .int64(let value):
                appended = bson_append_int64(document, key, keyLength, value)
            case .decimal128(let value):
                var decimal = bson_decimal128_t(low: value.low, high: value.high)
                appended = bson_append_decimal128(document, key, keyLength, &decimal)
            case .minKey:
                appended = bson_append_minkey(document, key, keyLength)
            case .maxKey:
                appended = bson_append_maxkey(document, key, keyLength)
            }
            return .success(appended)
        } catch {
            return .failure(error)
        }
    }

    /// Lends the UTF-8 bytes of `text` as a `char` pointer and a length.
    private static func withBytes<R>(of text: String, _ body: (UnsafePointer<CChar>, Int32) -> R) -> R {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty string may lend no address: libbson gets a real one, read for 0 bytes.
                guard let base = chars.baseAddress else {
                    let nul: CChar = 0
                    return withUnsafePointer(to: nul) { body($0, 0) }
                }
                return body(base, Int32(chars.count))
            }
        }
    }
}

extension ObjectID {
    init(_ pointer: UnsafePointer<bson_oid_t>?) {
        var bytes = [UInt8](repeating: 0, count: 12)
        if let pointer {
            withUnsafeBytes(of: pointer.pointee.bytes) { bytes = Array($0) }
        }
        self.init(exactly12: bytes)
    }

    var oid: bson_oid_t {
        var oid = bson_oid_t()
        withUnsafeMutableBytes(of: &oid.bytes) { $0.copyBytes(from: bytes) }
        return oid
    }
}

/// A `bson_iter_t`, which Swift cannot declare itself (it is 128-byte aligned): lent from
/// temporary storage (the stack when it fits), one per nested document read. A heap
/// allocation at 128-byte alignment for each cost more than reading the document.
private enum BSONIterator {
    static func with<R>(_ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
        let size = cmongoc_bson_iter_size()
        let result: Result<R, MongoError> = withUnsafeTemporaryAllocation(byteCount: size, alignment: 128) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            return Result { () throws(MongoError) -> R in try body(OpaquePointer(raw.baseAddress!)) }
        }
        return try result.get()
    }
}

extension BSON {
    /// The parts of this value that libbson's append functions read as NUL-terminated strings.
    fileprivate var cStringParts: [String] {
        switch self {
        case .regex(let pattern, let options): [pattern, options]
        case .dbPointer(let ref, _): [ref]
        case .javascript(let code), .javascriptWithScope(let code, _): [code]
        default: []
        }
    }
}
