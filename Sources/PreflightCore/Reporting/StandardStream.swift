import Mongo

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Writes to standard output or error with `write(2)`, ignoring a reader that went away:
/// `preflight run … | head` must not crash or die of SIGPIPE in the middle of a run,
/// leaving sandboxes behind. Foundation's `FileHandle.write` traps on such an error.
///
/// Every console line passes here, so known secret values (`SecretValues`) are masked
/// here too: the last line of defence for a message no redaction upstream knew to clean.
public enum StandardStream {
    /// Erases the progress line first, if one is drawn: whatever is written stays.
    public static func output(_ text: String) {
        let masked = SecretValues.shared.mask(text)
        ProgressLine.clearDrawn { write(masked, to: STDOUT_FILENO) }
    }

    public static func error(_ text: String) {
        let masked = SecretValues.shared.mask(text)
        ProgressLine.clearDrawn { write(masked, to: STDERR_FILENO) }
    }

    /// A drawing of the progress line, which must not erase itself.
    public static func outputDrawing(_ text: String) {
        write(SecretValues.shared.mask(text), to: STDOUT_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        // A reader that went away is not the run's problem: the error is dropped.
        _ = writeAll(Array(text.utf8), to: descriptor)
    }

    /// Writes all of `bytes`, retrying after signals.
    /// - Returns: nil, or the `errno` of the write that failed.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // write(2) returns 0 only for nothing to write; anything else must not spin.
            if result == 0 { return EIO }
            written += result
        }
        return nil
    }
}

/// `write(2)`, out of reach by its plain name inside types with a `write` of their own.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
    #else
        Darwin.write(descriptor, buffer, count)
    #endif
}
