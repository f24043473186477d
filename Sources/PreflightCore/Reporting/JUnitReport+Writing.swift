import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension JUnitReport {
    /// Writes the report to `path`, creating missing directories, so that the path holds
    /// either the previous file or the whole new one, never an empty or partial report.
    ///
    /// CI reads the report even when the run was killed or the disk filled up: the text
    /// goes to a uniquely named temporary file in the same directory (same file system)
    /// and `rename(2)` puts it in place in one step.
    /// - Throws: `JUnitReportError.cannotWrite` with `path` and the system's reason; the
    ///   temporary file is removed and the target left as it was.
    public func write(to path: String) throws {
        let bytes = Array(xml().utf8)
        let (directory, file) = Self.split(path)
        do {
            try Self.makeDirectories(directory)
            let temporary = (directory == "/" ? "" : directory) + "/.\(file).\(UUID().uuidString).tmp"
            do {
                try Self.create(temporary, holding: bytes)
                guard rename(temporary, path) == 0 else { throw SystemCallFailure(code: errno) }
            } catch {
                unlink(temporary)
                throw error
            }
        } catch let failure as SystemCallFailure {
            throw JUnitReportError.cannotWrite(path: path, reason: String(cString: strerror(failure.code)))
        }
    }

    /// Checks, before a run, that a report can be written at `path`, without touching
    /// what is there: a run whose report cannot be written is an environment failure
    /// better found before the tests than after them.
    /// - Throws: `JUnitReportError.cannotWrite` naming the path and the reason.
    public static func checkWritable(_ path: String) throws {
        let (directory, file) = split(path)
        do {
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { throw SystemCallFailure(code: EISDIR) }
            try makeDirectories(directory)
            let probe = (directory == "/" ? "" : directory) + "/.\(file).\(UUID().uuidString).probe"
            try create(probe, holding: [])
            unlink(probe)
        } catch let failure as SystemCallFailure {
            throw JUnitReportError.cannotWrite(path: path, reason: String(cString: strerror(failure.code)))
        }
    }

    /// An `errno` from a failed system call, turned into a `JUnitReportError` by `write(to:)`.
    private struct SystemCallFailure: Error {
        let code: Int32
    }

    /// The directory (`.` for a bare file name) and the last component of `path`.
    private static func split(_ path: String) -> (directory: String, file: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `mkdir -p`, with the `errno` that explains a failure: `ENOTDIR` when a component is
    /// a regular file, `EACCES` when a parent is read-only.
    private static func makeDirectories(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw SystemCallFailure(code: ENOTDIR) }
            return
        }
        guard errno == ENOENT else { throw SystemCallFailure(code: errno) }
        let parent = split(directory).directory
        if parent != directory { try makeDirectories(parent) }
        // EEXIST: another process made it in between, which is as good.
        guard mkdir(directory, 0o777) == 0 || errno == EEXIST else { throw SystemCallFailure(code: errno) }
    }

    /// Creates `path`, which must not exist, and writes all of `bytes` to it.
    private static func create(_ path: String, holding bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SystemCallFailure(code: errno) }
        if let code = StandardStream.writeAll(bytes, to: descriptor) {
            close(descriptor)
            throw SystemCallFailure(code: code)
        }
        // A full disk on some file systems (NFS) is only reported by close.
        guard close(descriptor) == 0 else { throw SystemCallFailure(code: errno) }
    }
}
