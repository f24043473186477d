import Mongo

/// The values an index key may give a field: the server refuses anything else, but only
/// when the index is built, far from the line that wrote it.
enum IndexDirection {
    static let names = ["text", "2dsphere", "2d", "hashed"]

    /// Why `value` is not an index direction, or nil.
    static func problem(_ value: BSON) -> String? {
        if let name = value.stringValue, names.contains(name) { return nil }
        if let number = value.integerValue, number == 1 || number == -1 { return nil }
        return "expected 1, -1, \"text\", \"2dsphere\", \"2d\" or \"hashed\", got \(Diagnostics.describe(value))"
    }
}
