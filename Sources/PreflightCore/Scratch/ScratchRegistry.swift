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

    /// One queue for every signal, so two handlers never run (and exit) at once.
    private let signalQueue = DispatchQueue(label: "preflight-signals")

    /// Handles SIGINT, SIGTERM and SIGHUP from now on. By default every scratch server is
    /// stopped and the process exits with 128 + the signal's number, as shells expect;
    /// a `handler` replaces that and takes charge of stopping and exiting itself.
    public func handleSignals(_ handler: (@Sendable (Int32) -> Void)? = nil) {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                // Ignore the default action so the dispatch source sees the signal instead.
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: signalQueue)
                source.setEventHandler { [self] in
                    if let handler {
                        handler(signalNumber)
                    } else {
                        self.stopAll()
                        exit(128 + signalNumber)
                    }
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
