extension String {
    /// The text shortened to its first and last `headBytes` / `tailBytes` of UTF-8, with a
    /// line saying how much was left out.
    ///
    /// The start shows what a test was doing and the end shows how it failed; the middle
    /// of a 50 MB command log helps nobody and makes CI servers choke on the report.
    /// Cuts fall on `Character` boundaries, so no emoji or accented letter is split.
    func headAndTail(headBytes: Int = 32 * 1024, tailBytes: Int = 32 * 1024) -> String {
        let total = utf8.count
        guard total > headBytes + tailBytes else { return self }
        var headEnd = startIndex
        var headCount = 0
        while headEnd < endIndex {
            let next = index(after: headEnd)
            let size = utf8.distance(from: headEnd, to: next)
            if headCount + size > headBytes { break }
            headCount += size
            headEnd = next
        }
        var tailStart = endIndex
        var tailCount = 0
        while tailStart > headEnd {
            let previous = index(before: tailStart)
            let size = utf8.distance(from: previous, to: tailStart)
            if tailCount + size > tailBytes { break }
            tailCount += size
            tailStart = previous
        }
        let omitted = total - headCount - tailCount
        return "\(self[..<headEnd])\n… \(omitted) bytes omitted …\n\(self[tailStart...])"
    }
}
