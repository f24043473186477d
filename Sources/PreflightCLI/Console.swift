import PreflightCore

enum Console {
    /// Writes a line to standard error, unbuffered.
    static func standardError(_ text: String) {
        StandardStream.error(text + "\n")
    }
}
