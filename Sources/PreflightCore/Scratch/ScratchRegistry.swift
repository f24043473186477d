import Foundation

/// Every scratch server this process is running, so that SIGINT, SIGTERM and SIGHUP can
/// stop them all, in order, before Preflight exits.
public final class ScratchRegistry: @unchecked Sendable {
    // @unchecked: `servers` is guarded by `lock`.
    public static let shared = ScratchRegistry()

    private let lock = NSLock()
    private var servers: [ObjectIdentifier: ScratchServer] = [:]
    private var sources: [DispatchSourceSignal] = []

    func add(_ server: ScratchServer) {
        lock.withLock { servers[ObjectIdentifier(server)] = server }
    }

    func remove(_ server: ScratchServer) {
        lock.withLock { _ = servers.removeValue(forKey: ObjectIdentifier(server)) }
    }

    /// Stops every registered server.
    public func stopAll() {
        let running = lock.withLock { Array(servers.values) }
        running.forEach { $0.stop() }
    }

    /// On SIGINT, SIGTERM or SIGHUP: stop every scratch server, run `then` (which should
    /// exit; by default the process exits with 128 + the signal's number, as shells expect).
    public func stopOnSignals(then: (@Sendable (Int32) -> Void)? = nil) {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                // Ignore the default action so the dispatch source sees the signal instead.
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in
                    self.stopAll()
                    if let then { then(signalNumber) } else { exit(128 + signalNumber) }
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
