import Foundation

/// Every scratch server this process is running, so that SIGINT, SIGTERM and SIGHUP can
/// stop them all, in order, before Preflight exits.
public final class ScratchRegistry: Sendable {
    public static let shared = ScratchRegistry()
    private let servers = LiveObjects<ScratchServer>()

    func add(_ server: ScratchServer) { servers.add(server) }

    func remove(_ server: ScratchServer) { servers.remove(server) }

    /// Stops every program a scenario started (`exec`, `services`), then every
    /// registered server.
    public func stopAll() {
        ProgramRegistry.shared.stopAll()
        let running = servers.all
        running.forEach { $0.stop() }
    }

    /// Handles SIGINT, SIGTERM and SIGHUP from now on, even where they were ignored when
    /// Preflight started. By default every scratch server is stopped and the process exits
    /// with 128 + the signal's number, as shells expect; a `handler` replaces that and
    /// takes charge of stopping and exiting itself. Handlers run one at a time.
    public func handleSignals(_ handler: (@Sendable (Int32) -> Void)? = nil) {
        SignalPipe.install([SIGINT, SIGTERM, SIGHUP]) { [self] signalNumber in
            if let handler {
                handler(signalNumber)
            } else {
                self.stopAll()
                exit(128 + signalNumber)
            }
        }
    }
}
