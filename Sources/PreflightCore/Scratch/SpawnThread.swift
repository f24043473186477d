import Foundation

/// A thread that lives as long as the process and starts every scratch server.
///
/// The kernel's parent-death signal fires when the *thread* that forked the child exits,
/// not the process. Swift's cooperative pool and Dispatch retire idle threads, so a server
/// spawned from one of them could be killed in the middle of a run. Spawning from this
/// thread, which never exits, ties the signal to the life of Preflight itself.
///
/// A child also inherits the spawning thread's signal mask, and Dispatch's threads block
/// TERM, HUP and INT: this thread unblocks everything, so the supervisor can be stopped.
final class SpawnThread: @unchecked Sendable {
    // @unchecked: `pending` is guarded by `condition`.
    static let shared = SpawnThread()

    private let condition = NSCondition()
    private var pending: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "preflight-spawner"
        thread.start()
    }

    private func loop() {
        var nothing = sigset_t()
        sigemptyset(&nothing)
        pthread_sigmask(SIG_SETMASK, &nothing, nil)
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            let work = pending.removeFirst()
            condition.unlock()
            work()
        }
    }

    /// Runs `body` on the spawner thread and waits for it.
    func run<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        condition.lock()
        pending.append {
            box.result = Result { try body() }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return try box.result.get()
    }
}

/// Carries a result across the thread hop; written once before the semaphore is signalled.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error> = .failure(CancellationError())
}
