import CMongoC
import Foundation

/// libmongoc wants `mongoc_init()` once per process before anything else. A global `let`
/// is initialized lazily and exactly once, thread-safely, which is just that.
/// `mongoc_cleanup()` is left to process exit: it must not run while any client lives.
private let libmongocInitialized: Void = {
    // libmongoc keeps performance counters in shared memory for its mongoc-stat tool, and
    // warns "Falling back to malloc for counters" on standard error when it cannot. Preflight
    // reads no counters. A libmongoc that initializes itself as it loads (Debian's does) has
    // made them before this runs: see `LibmongocExit` for the file that leaves behind.
    setenv("MONGOC_DISABLE_SHM", "1", 0)
    // libmongoc's default handler prints every level, DEBUG included, on the console
    // Preflight's reports are written to. Keep warnings and worse, on standard error. Set
    // before mongoc_init, which may already log.
    mongoc_log_set_handler(
        { level, domain, message, _ in
            guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
            let line = String(cString: message)
            guard !ignoredByTheSpec(line) else { return }
            let text = "libmongoc: \(domain.map { String(cString: $0) } ?? ""): \(line)\n"
            // A warning about a connection string may quote a piece of its password.
            FileHandle.standardError.write(Data(SecretValues.shared.mask(text).utf8))
        }, nil)
    mongoc_init()
}()

/// Errors the drivers' specifications say to ignore, which libmongoc does ignore but
/// still logs: an `abortTransaction` the server already did (after a transient error or a
/// failed commit), and `endSessions` at shutdown when the server is gone. A passing run
/// must not print errors.
private func ignoredByTheSpec(_ message: String) -> Bool {
    message.hasPrefix("Error in abortTransaction") || message.hasPrefix("Couldn't send \"endSessions\"")
}

func initializeLibmongoc() {
    _ = libmongocInitialized
}

/// What a process that ends with `_exit` must do for libmongoc first.
public enum LibmongocExit {
    /// Removes the shared-memory file libmongoc keeps its counters in, `/dev/shm/mongoc-PID`.
    /// It is made when the library loads, before `MONGOC_DISABLE_SHM` above can be set,
    /// and removed by libmongoc's cleanup at a normal exit, which `_exit` skips: without
    /// this every run would leave a file behind, and a later process given the same pid
    /// would warn "Falling back to malloc for counters" on its standard error.
    public static func releaseCounters() {
        _ = shm_unlink("/mongoc-\(getpid())")
    }
}
