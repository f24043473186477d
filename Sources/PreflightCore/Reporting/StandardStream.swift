#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Writes to standard output or error with `write(2)`, ignoring a reader that went away:
/// `preflight run … | head` must not crash or die of SIGPIPE in the middle of a run,
/// leaving sandboxes behind. Foundation's `FileHandle.write` traps on such an error.
public enum StandardStream {
    public static func output(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    public static func error(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return }
            written += result
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
    #else
        Darwin.write(descriptor, buffer, count)
    #endif
}
