import ArgumentParser
import Foundation
import Mongo

/// `--server-timeout SECONDS`: how long to wait for an unreachable server before giving up
/// (exit 3), for every command that connects to one.
struct ServerTimeout: ParsableArguments {
    // `.unconditional`, as for every number Preflight takes: `-1` is then read as the value
    // it is and refused with the range, instead of taken for an option and reported missing.
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Seconds to wait for the server to answer before giving up with exit 3 (default 30, as libmongoc's serverSelectionTimeoutMS); replaces the --uri's serverSelectionTimeoutMS. On a terminal, a line counts the wait.",
        valueName: "seconds"))
    var serverTimeout: Double?

    func validate() throws {
        if let serverTimeout, !(serverTimeout > 0 && serverTimeout <= 3600) {
            throw ValidationError("--server-timeout takes a number of seconds from more than 0 to 3600; got \(serverTimeout).")
        }
    }

    /// Makes every pool opened from now on wait this long, unless it names its own time.
    func apply() {
        if let serverTimeout { ConnectionPool.defaultServerSelectionTimeoutMS = Int32((serverTimeout * 1000).rounded()) }
    }

    /// The wait, in seconds, a connection will make.
    var seconds: Double { serverTimeout ?? 30 }
}

/// A line on standard error, when it is a terminal, counting the seconds spent waiting for
/// a server that has not answered within a second: an unreachable `--uri` is not silence.
final class WaitingLine: @unchecked Sendable {
    // @unchecked: `done` and `shown` are guarded by `lock`.
    private let lock = NSLock()
    private var done = false
    private var shown = false

    init(what: String, limit: Double) {
        guard isatty(2) == 1 else {
            done = true
            return
        }
        let started = Date()
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                let stop = lock.withLock { () -> Bool in
                    guard !done else { return true }
                    shown = true
                    let seconds = Int(Date().timeIntervalSince(started))
                    FileHandle.standardError.write(Data("\r\u{1B}[KWaiting for \(what): \(seconds) s of up to \(Int(limit)) s…".utf8))
                    return false
                }
                if stop { return }
            }
        }
    }

    /// Ends the count and clears its line.
    func finish() {
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            done = true
        }
    }
}
