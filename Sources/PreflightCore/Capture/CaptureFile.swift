import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a captured scenario so that its path holds either nothing (or the old file,
/// with --force) or the whole new one: never a partial file a later `preflight run`
/// would reject half-way through an incident.
enum CaptureFile {
    /// Writes `text` to a temporary file beside `path`, then puts it in place: `rename(2)`
    /// when replacing is allowed, else `link(2)`, which fails rather than replace a file
    /// that appeared since the capture began.
    /// - Throws: `CaptureError.outputExists`, or `.cannotWrite` with the system's reason.
    static func write(_ text: String, to path: String, replacing: Bool) throws(CaptureError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: path, reason: "its directory \(directory) cannot be made (\(error.localizedDescription))")
        }
        let temporary = directory + "/.\(url.lastPathComponent).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { unlink(temporary) }
        let failure = StandardStream.writeAll(Array(text.utf8), to: descriptor)
        // A full disk on some file systems (NFS) is only reported by close.
        let closed = close(descriptor) == 0 ? nil : errno
        if let code = failure ?? closed { throw .cannotWrite(path: path, reason: String(cString: strerror(code))) }
        if replacing {
            guard rename(temporary, path) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        } else if link(temporary, path) != 0 {
            if errno == EEXIST { throw .outputExists(path: path) }
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
