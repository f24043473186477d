#if canImport(Glibc)
    import Glibc
#endif

/// Writes a captured scenario the way reports are written (`ReportFile`), so its path
/// holds either nothing (or the old file, with --force) or the whole new one.
enum CaptureFile {
    /// - Parameter replacing: --force; without it a file that appeared at `path` since the
    ///   capture began is kept.
    /// - Throws: `CaptureError.outputExists`, or `.cannotWrite` with the system's reason.
    static func write(_ text: String, to path: String, replacing: Bool) throws(CaptureError) {
        do {
            try ReportFile.write(text, to: path, replaceExisting: replacing)
        } catch {
            if error.code == EEXIST && !replacing { throw .outputExists(path: path) }
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }
}
