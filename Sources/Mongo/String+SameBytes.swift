#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// Whether the two strings are the same UTF-8 bytes: stricter than `==`, which finds
    /// "é" and "e\u{301}" equal as Unicode text where MongoDB sees two names and a
    /// migration sees a changed value. One `memcmp`, not a walk of two `utf8` views.
    public func hasSameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var mine = self, theirs = other
        return mine.withUTF8 { a in
            theirs.withUTF8 { b in a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }
}
