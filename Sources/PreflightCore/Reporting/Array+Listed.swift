extension Array where Element == String {
    /// The items as a sentence lists them: `a`, `a or b`, `a, b or c` (with `and`, `a, b
    /// and c`); empty for none.
    public func listed(_ conjunction: String) -> String {
        guard let last, count > 1 else { return first ?? "" }
        return dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
