/// MongoDB's rules for collection names.
enum CollectionName {
    static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a collection name cannot be empty" }
        if name.hasPrefix("system.") { return "\"\(name)\": collections named system.* belong to the server" }
        if name.contains("$") || name.contains("\0") { return "\"\(name)\" cannot name a collection: MongoDB does not allow \"$\" or NUL in collection names" }
        return nil
    }
}
