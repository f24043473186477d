#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The names of the commands a run sends most, as strings made once: libmongoc hands
/// each monitoring event its command's name as a C string, and making a `String` of it
/// (reading, validating, copying) cost more than finding it among these.
enum CommandNames {
    private static let known: [(bytes: StaticString, name: String)] = ([
        "find", "insert", "update", "delete", "getMore", "aggregate", "findAndModify", "count", "distinct",
        "killCursors", "endSessions", "commitTransaction", "abortTransaction", "createIndexes", "dropIndexes",
        "listIndexes", "listCollections", "create", "drop", "dropDatabase", "configureFailPoint", "ping", "hello",
    ] as [StaticString]).map { (bytes: $0, name: $0.description) }

    /// `name` as a `String`: one of the known ones, or a new one for any other.
    static func string(_ name: UnsafePointer<CChar>) -> String {
        let length = strlen(name)
        for entry in known where entry.bytes.utf8CodeUnitCount == length && memcmp(entry.bytes.utf8Start, name, length) == 0 {
            return entry.name
        }
        return String(cString: name)
    }
}
