import CMongoC
import Foundation

/// Closing a pool without waiting for libmongoc's monitor threads.
///
/// `mongoc_client_pool_destroy` ends the pool's server sessions (`endSessions`), then
/// joins one monitor thread per server, and a monitor waiting on the server's awaitable
/// `hello` notices the request to stop only at the end of its 500 ms poll. So every pool
/// closed cost up to half a second, and every `preflight` invocation paid it on the way
/// out. The destruction runs in a thread of its own instead: closing waits only until
/// the server has been told the sessions are over, which is all the server needs. What is
/// left is freeing memory and joining threads.
final class PoolClosing: @unchecked Sendable {
    // @unchecked: `sentWithSession` is guarded by `lock`; the semaphore is thread-safe.
    private let lock = NSLock()
    private var sentWithSession = false
    private let sessionsEnded = DispatchSemaphore(value: 0)

    /// From the command-started callback: a command carrying `lsid` means the pool holds
    /// server sessions that closing must end.
    func started(_ command: OpaquePointer?) {
        guard let command, !lock.withLock({ sentWithSession }), bson_has_field(command, "lsid") else { return }
        lock.withLock { sentWithSession = true }
    }

    /// From the succeeded and failed callbacks: the reply to `endSessions` is the last
    /// word the pool has with the server.
    func finished(_ name: UnsafePointer<CChar>) {
        if strcmp(name, "endSessions") == 0 { sessionsEnded.signal() }
    }

    /// Destroys the pool with `destroy` in a thread of its own; waits, if `wait`, until
    /// its sessions are ended (or the destruction is over, when there were none to end),
    /// for at most `endSessionsTimeout` seconds: a server that answers ends them in a
    /// round trip, and one that is gone would keep the caller for a whole server
    /// selection timeout for nothing (sessions it never hears of expire on their own).
    func close(wait: Bool, _ destroy: @escaping @Sendable () -> Void) {
        let mustWait = wait && lock.withLock { sentWithSession }
        Self.running.begin()
        Thread {
            destroy()
            self.sessionsEnded.signal()
            Self.running.end()
        }.start()
        if mustWait { _ = sessionsEnded.wait(timeout: .now() + Self.endSessionsTimeout) }
    }

    static let endSessionsTimeout: TimeInterval = 2

    /// Destructions still running. A process that exits normally waits for them (see
    /// `Running`); `preflight` leaves with `_exit` once its reports are written, and
    /// does not.
    static let running = Running()

    final class Running: @unchecked Sendable {
        // @unchecked: `count` is guarded by `condition`.
        private let condition = NSCondition()
        private var count = 0
        private var registered = false

        func begin() {
            condition.withLock {
                count += 1
                if !registered {
                    registered = true
                    // libmongoc's own clean-up runs when the process exits (a library
                    // destructor) and unmaps memory a monitor thread may still write:
                    // exit handlers run first, so this one lets the threads finish.
                    atexit { PoolClosing.running.waitUntilDone(before: Date().addingTimeInterval(2)) }
                }
            }
        }

        func end() {
            condition.withLock {
                count -= 1
                condition.broadcast()
            }
        }

        /// Waits until no destruction is running, or `deadline`.
        func waitUntilDone(before deadline: Date) {
            condition.withLock {
                while count > 0 && condition.wait(until: deadline) {}
            }
        }
    }
}
