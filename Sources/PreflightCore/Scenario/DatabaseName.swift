/// MongoDB's rules for database names, checked before a server would refuse them.
public enum DatabaseName {
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a database name cannot be empty" }
        if ["admin", "local", "config"].contains(name) {
            return "\"\(name)\" is one of the server's own databases; scenarios name the application's database"
        }
        if name.utf8.count > 63 { return "\"\(name)\" is longer than MongoDB's 63 bytes for a database name" }
        if let bad = name.first(where: { "/\\. \"$*<>:|?".contains($0) || $0 == "\0" }) {
            return "\"\(name)\" cannot name a database: MongoDB does not allow \"\(bad)\" in database names"
        }
        return nil
    }
}
