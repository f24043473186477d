import Foundation
import Mongo

/// One of `--jobs` lanes a run's files go through: a pool with an app name and a command
/// log of its own, so a test's log holds only its own commands and a `failCommand` fail
/// point set in one lane never fails another lane's commands.
final class RunLane: @unchecked Sendable {
    // @unchecked: immutable after init; the pool and the log are thread-safe.
    let pool: ConnectionPool
    let commandLog: CommandLog

    init(pool: ConnectionPool, commandLog: CommandLog) {
        self.pool = pool
        self.commandLog = commandLog
    }

    /// A lane named `<appName>-<number>`.
    /// - Throws: `MongoError` for a URI libmongoc refuses (the first lane's pool already
    ///   accepted it, so in practice never).
    static func open(uri: String, appName: String, gate: CommandGate, serverSelectionTimeoutMS: Int32?) throws -> RunLane {
        let commandLog = CommandLog()
        let pool = try ConnectionPool(
            uri: uri, monitor: CommandMonitor { gate.record($0); commandLog.record($0) }, appName: appName, replacingURIAppName: true,
            serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        return RunLane(pool: pool, commandLog: commandLog)
    }
}
