import Foundation
import Mongo

/// `preflight compat`: specs scanned one after another on one pool, whose connections
/// carry the app name `preflight-compat` (unless the URI names one) and send only reads.
public final class CompatRun {
    /// One spec's scan: its suite for the reports, and the report or the reason there is none.
    public struct Result: Sendable {
        public let suite: SuiteResult
        public let report: CompatReport?
        public let error: CompatScanError?
    }

    public let pool: ConnectionPool
    private let commandLog = CommandLog()

    /// Opens the pool; nothing is sent until the first scan.
    /// - Throws: `MongoError` for a malformed URI.
    public init(uri: String) throws(MongoError) {
        let commandLog = commandLog
        pool = try ConnectionPool(uri: uri, monitor: CommandMonitor { commandLog.record($0) }, appName: CompatScan.appName)
    }

    /// Scans `spec` in `database`. A failed read is not thrown: the spec's checks are
    /// reported errored, and the run goes on to the next spec.
    public func scan(_ spec: CompatSpec, database: String) -> Result {
        let started = Date()
        let log = TestLog()
        commandLog.attach(log)
        defer { commandLog.attach(nil) }
        var result: Result
        do {
            let report = try pool.withClient { try CompatScan.run(spec, database: database, client: $0) }
            result = Result(suite: report.suiteResult(timestamp: started, duration: Date().timeIntervalSince(started)), report: report, error: nil)
        } catch {
            let scanError = error as? CompatScanError
                ?? .readFailed(reading: "borrowing a connection", error: error as? MongoError ?? MongoError(kind: .client, message: "\(error)"))
            let suite = CompatReport.erroredSuite(
                spec, database: database, problem: Self.problem(scanError, spec), timestamp: started,
                duration: Date().timeIntervalSince(started))
            result = Result(suite: suite, report: nil, error: scanError)
        }
        var suite = result.suite
        suite.properties.append(("server.uri", pool.redactedURI))
        // The commands are few (an aggregation, and reads for what failed): the suite keeps them.
        suite.systemOut += "\ncommands sent:\n" + log.text + "\n"
        return Result(suite: suite, report: result.report, error: result.error)
    }

    public func close() {
        pool.close()
    }

    private static func problem(_ error: CompatScanError, _ spec: CompatSpec) -> TestProblem {
        switch error {
        case .patternRefused(let invalid):
            return TestProblem(type: "invalidInput", message: invalid.description)
        case .readFailed(_, let mongoError):
            var problem = Failures.unexpected(spec.file, mongoError)
            problem.message = Redaction.redactText(error.errorDescription ?? problem.message)
            return problem
        }
    }
}
