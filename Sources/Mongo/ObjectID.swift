import CMongoC

/// A 12-byte ObjectId.
public struct ObjectID: Sendable, Hashable, CustomStringConvertible {
    /// The 12 bytes, in wire order.
    public let bytes: [UInt8]

    /// A fresh ObjectId from libbson's generator (timestamp, per-process random, counter).
    public init() {
        var oid = bson_oid_t()
        bson_oid_init(&oid, nil)
        bytes = withUnsafeBytes(of: oid.bytes) { Array($0) }
    }

    /// Adopts exactly 12 bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    /// For callers that hold 12 bytes by construction.
    init(exactly12 bytes: [UInt8]) {
        assert(bytes.count == 12)
        self.bytes = bytes
    }

    /// Parses 24 hexadecimal digits; returns nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 24 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        for index in stride(from: 0, to: 24, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// The value of one hexadecimal digit, either case.
    static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
