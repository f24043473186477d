import Foundation
import Mongo

/// The connection a run keeps its registry records through, and the thread that renews
/// their leases every `SandboxRegistry.renewalInterval` while the run lives.
///
/// A pool of its own, named `<run's app name>-lease`: never held back by Ctrl-C's command
/// gate, never failed by a fail point the run's tests set on their own app name, never in
/// a test's command log. Its server selection timeout is short, so a server that went
/// away delays the end of a run by seconds, not by libmongoc's 30 s default.
final class SandboxLease: @unchecked Sendable {
    // @unchecked: the pool is thread-safe; `thread` and `stopped` are guarded by `lock`.
    private let pool: ConnectionPool
    private let lock = NSLock()
    private var thread: Thread?
    private var stopped = false
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(uri: String, appName: String) throws(MongoError) {
        pool = try ConnectionPool(uri: uri, appName: appName, replacingURIAppName: true, serverSelectionTimeoutMS: 5_000)
    }

    /// Runs `body` on the registry.
    func withRegistry<T>(_ body: (SandboxRegistry) throws -> T) throws -> T {
        try pool.withClient { try body(SandboxRegistry(client: $0)) }
    }

    /// Starts calling `renew` every `interval`, once; `stop` ends it.
    func start(interval: TimeInterval = SandboxRegistry.renewalInterval, renew: @escaping @Sendable (SandboxRegistry) -> Void) {
        lock.withLock {
            guard thread == nil, !stopped else { return }
            let thread = Thread { [pool, wake, done] in
                while wake.wait(timeout: .now() + interval) == .timedOut {
                    try? pool.withClient { renew(SandboxRegistry(client: $0)) }
                }
                done.signal()
            }
            thread.name = "preflight sandbox lease"
            thread.start()
            self.thread = thread
        }
    }

    /// Ends the renewals, waiting for one in progress, so that none comes after the run's
    /// last word on its records.
    func stop() {
        let running = lock.withLock { () -> Bool in
            defer { stopped = true }
            return thread != nil && !stopped
        }
        if running {
            wake.signal()
            done.wait()
        }
    }

    /// Stops the renewals and closes the pool; without waiting for the server to end its
    /// sessions when it is gone (it would wait seconds for a reply that never comes).
    func close(serverIsUp: Bool = true) {
        stop()
        if serverIsUp { pool.close() } else { pool.closeWithoutWaiting() }
    }
}
