import CMongoC

/// A command or reply from command monitoring, kept as the bytes libmongoc handed over.
///
/// Every command a run sends is seen by the monitor, and most are never looked at again:
/// copying the bytes costs a `memcpy`, where building a `BSONDocument` in the callback
/// cost more than the rest of Preflight's work on the operation. `document` parses them
/// for whoever needs it.
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
}
