extension String {
    /// The text when it has at most `limit` characters; else its start and `…`, so one
    /// huge document cannot swamp a report line or a log.
    func clipped(to limit: Int) -> String {
        count > limit ? String(prefix(limit - 3)) + "…" : self
    }
}
