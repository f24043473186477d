import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How every report, and a captured scenario, reaches the disk: whole or not at all,
/// directories created.
///
/// CI reads a report even when the run was killed or the disk filled up, and a later
/// `preflight run` would reject a half-written scenario half-way through an incident:
/// the text goes to a uniquely named temporary file in the same directory (same file
/// system) and `rename(2)` puts it in place in one step, so the path holds either the
/// previous file or the whole new one, never an empty or partial one.
enum ReportFile {
    /// A failed system call; each report turns it into an error that names the report.
    struct Failure: Error {
        let code: Int32

        /// The system's own words (`strerror`): "Not a directory".
        var reason: String { String(cString: strerror(code)) }
    }

    /// Writes `text` to `path`, creating missing directories.
    /// - Parameter replaceExisting: false to keep a file that is already at `path`: the
    ///   new one is put in place with `link(2)`, which fails with `EEXIST` rather than
    ///   replace a file, even one that appeared after the caller last looked.
    /// - Throws: `Failure`; the temporary file is removed and the target left as it was.
    static func write(_ text: String, to path: String, replaceExisting: Bool = true) throws(Failure) {
        if replaceExisting {
            switch destination(of: path) {
            case .stream:
                // A pipe, a FIFO or a terminal (`--json /dev/stdout`, `>(jq …)`): renaming
                // over it would replace it instead of writing to its reader.
                return try stream(Array(text.utf8), to: path)
            case .file(let resolved) where resolved != path:
                // Through a symbolic link to the file it names, which a rename would replace.
                return try write(text, to: resolved)
            case .file:
                break
            }
        }
        let (directory, file) = split(path)
        try makeDirectories(directory)
        let temporary = (directory == "/" ? "" : directory) + "/.\(file).\(UUID().uuidString).tmp"
        do throws(Failure) {
            try create(temporary, holding: Array(text.utf8))
            if replaceExisting {
                guard rename(temporary, path) == 0 else { throw Failure(code: errno) }
            } else {
                guard link(temporary, path) == 0 else { throw Failure(code: errno) }
                // The new file has two names now; the temporary one goes.
                unlink(temporary)
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Checks, before a run, that a report can be written at `path`, without touching
    /// what is there: a run whose report cannot be written is an environment failure
    /// better found before the tests than after them.
    static func checkWritable(_ path: String) throws(Failure) {
        switch destination(of: path) {
        case .stream:
            guard access(path, W_OK) == 0 else { throw Failure(code: errno) }
            return
        case .file(let resolved) where resolved != path:
            return try checkWritable(resolved)
        case .file:
            break
        }
        let (directory, file) = split(path)
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { throw Failure(code: EISDIR) }
        try makeDirectories(directory)
        let probe = (directory == "/" ? "" : directory) + "/.\(file).\(UUID().uuidString).probe"
        try create(probe, holding: [])
        unlink(probe)
    }

    private enum Destination {
        /// Something that is not a regular file: written to as it is.
        case stream
        /// A regular file, existing or not, at this path (symbolic links followed).
        case file(String)
    }

    private static func destination(of path: String) -> Destination {
        var status = stat()
        if stat(path, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type != S_IFREG && type != S_IFDIR { return .stream }
            if type == S_IFREG, let resolved = realpath(path, nil) {
                defer { free(resolved) }
                return .file(String(cString: resolved))
            }
            return .file(path)
        }
        // A link to a file that does not exist yet: the file is created where it points.
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return .file(path) }
        let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .file(target.hasPrefix("/") ? target : split(path).directory + "/" + target)
    }

    /// Writes `bytes` to something that is not a regular file; not atomic, since there is
    /// nothing to rename.
    private static func stream(_ bytes: [UInt8], to path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(code: errno) }
        if let code = StandardStream.writeAll(bytes, to: descriptor) {
            close(descriptor)
            throw Failure(code: code)
        }
        guard close(descriptor) == 0 else { throw Failure(code: errno) }
    }

    /// The directory (`.` for a bare file name) and the last component of `path`.
    private static func split(_ path: String) -> (directory: String, file: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `mkdir -p`, with the `errno` that explains a failure: `ENOTDIR` when a component is
    /// a regular file, `EACCES` when a parent is read-only.
    private static func makeDirectories(_ directory: String) throws(Failure) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw Failure(code: ENOTDIR) }
            return
        }
        guard errno == ENOENT else { throw Failure(code: errno) }
        let parent = split(directory).directory
        if parent != directory { try makeDirectories(parent) }
        // EEXIST: another process made it in between, which is as good.
        guard mkdir(directory, 0o777) == 0 || errno == EEXIST else { throw Failure(code: errno) }
    }

    /// Creates `path`, which must not exist, and writes all of `bytes` to it.
    private static func create(_ path: String, holding bytes: [UInt8]) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(code: errno) }
        if let code = StandardStream.writeAll(bytes, to: descriptor) {
            close(descriptor)
            throw Failure(code: code)
        }
        // A full disk on some file systems (NFS) is only reported by close.
        guard close(descriptor) == 0 else { throw Failure(code: errno) }
    }
}
