import Foundation
import Mongo

/// Tells a server that went away from a test that lost a connection. After a network or
/// server-selection error, one `ping` on a pool of its own, with a short server selection
/// timeout, says whether the server still answers; once it does not, the server is lost
/// for the rest of the run. Without this, every test and every `repeat` iteration after
/// it would wait out a whole server selection timeout in turn, and the run would end
/// minutes later as if tests had failed.
final class ServerWatch: @unchecked Sendable {
    // @unchecked: immutable apart from `lostAfter`, which is `Guarded`; `probing` makes
    // lanes that lose their connections together wait for one re-check, not run one each.
    private let uri: String
    private let appName: String
    private let serverIsUp: (@Sendable () -> Bool)?
    /// How long the re-check waits for the server.
    let recheckTimeoutMS: Int32
    private let probing = NSLock()
    private let lostAfter = Guarded<String?>(nil)

    /// - Parameters:
    ///   - appName: the re-check's own, so a `failCommand` fail point limited to the run's
    ///     connections never fails it.
    ///   - serverIsUp: for a scratch server, whether its process still runs: a dead one
    ///     needs no re-check.
    ///   - recheckTimeoutMS: long enough for a server on a network to answer a ping, short
    ///     enough that a dead one ends the run within seconds.
    init(uri: String, appName: String, serverIsUp: (@Sendable () -> Bool)?, recheckTimeoutMS: Int32 = 2_000) {
        self.uri = uri
        self.appName = appName
        self.serverIsUp = serverIsUp
        self.recheckTimeoutMS = recheckTimeoutMS
    }

    /// Why nothing more can run, when the server is gone: the scratch server's process
    /// exited, or the server stopped answering a re-check.
    var reason: StopSignal.Reason? {
        if serverIsUp?() == false { return .serverDied }
        return lostAfter.value == nil ? nil : .serverLost
    }

    /// The error after which the server stopped answering, when it did.
    var lossMessage: String? { lostAfter.value }

    /// Asks whether the server still answers after a test met `error`, a lost connection.
    /// - Returns: why the run must stop, or nil when the server answers: the error was the
    ///   test's own (a fail point that closes connections, a primary stepping down).
    @discardableResult
    func recheck(after error: String) -> StopSignal.Reason? {
        probing.withLock {
            if let reason { return reason }
            guard !answers() else { return nil }
            lostAfter.mutate { if $0 == nil { $0 = error } }
            return reason
        }
    }

    private func answers() -> Bool {
        let pool: ConnectionPool
        do {
            pool = try ConnectionPool(uri: uri, appName: appName, replacingURIAppName: true, serverSelectionTimeoutMS: recheckTimeoutMS)
        } catch {
            // The run's own pool took this URI; should it be refused now, nothing says the
            // server is gone.
            return true
        }
        defer { pool.close() }
        return (try? pool.withClient { try $0.pingAnyMember() }) != nil
    }
}
