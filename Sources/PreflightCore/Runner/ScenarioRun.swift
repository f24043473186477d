import Foundation
import Mongo

/// A run of validated scenarios on one server: sandboxes claimed and dropped, requirements
/// checked against the server, every test reported to the observer as it finishes.
public final class ScenarioRun: @unchecked Sendable {
    // @unchecked: mutable state lives in the Sendable helpers (SandboxNames, CommandLog).
    public let pool: ConnectionPool
    public let facts: ServerFacts
    private let uri: String
    private let finished = Guarded<[SuiteResult]>([])
    let commandLog: CommandLog
    let sandboxes = SandboxNames()
    let options: RunOptions

    /// Opens a pool on `uri` and asks the server what it is.
    /// - Parameter serverSelectionTimeoutMS: replaces the URI's (libmongoc's default is
    ///   30 s): a scratch server on this machine answers at once or is gone.
    /// - Throws: `MongoError` when the server cannot be reached: the environment failed.
    public init(uri: String, options: RunOptions, serverSelectionTimeoutMS: Int32? = nil) throws {
        let commandLog = CommandLog()
        self.commandLog = commandLog
        self.options = options
        self.uri = uri
        // An app name of the run's own, even over one the URI names (it may be the
        // application's), lets `failCommand` fail points be limited to this run's
        // connections: on a shared server, nobody else's commands fail.
        let pool = try ConnectionPool(
            uri: uri, monitor: CommandMonitor { commandLog.record($0) }, appName: "preflight-" + sandboxes.runID,
            replacingURIAppName: true, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        do {
            facts = try pool.withClient { try $0.serverFacts() }
        } catch {
            pool.close()
            throw error
        }
        self.pool = pool
    }

    public var runID: String { sandboxes.runID }

    /// Runs `selection` in order; each sandbox scenario in a database of its own.
    public func run(_ selection: [(scenario: Scenario, tests: [ScenarioTest])], observer: RunObserver?) -> [SuiteResult] {
        let stop = StopSignal()
        let runner = SuiteRunner(pool: pool, facts: facts, commandLog: commandLog, options: options, stop: stop, observer: observer)
        var suites: [SuiteResult] = []
        for (scenario, tests) in selection {
            var suite: SuiteResult
            if scenario.mode == .live {
                suite = runner.run(scenario, tests: tests, database: options.databaseOverride ?? scenario.database, sandbox: false)
            } else {
                do {
                    let name = try pool.withClient { try sandboxes.claim(using: $0) }
                    suite = runner.run(scenario, tests: tests, database: name, sandbox: true)
                    suite.systemOut += "sandbox database: \(name)\n"
                    if options.serverIsUp?() == false {
                        suite.systemErr += "The sandbox \(name) went with the scratch server.\n"
                    } else if !options.keepDatabases {
                        let problems = (try? pool.withClient { sandboxes.dropAll(using: $0) }) ?? ["The sandbox database \(name) could not be dropped."]
                        suite.systemErr += problems.map { $0 + "\n" }.joined()
                    } else {
                        suite.systemOut += "kept (--keep-databases)\n"
                    }
                } catch {
                    suite = erroredSuite(scenario, tests, error)
                    if options.failFast { stop.set(.failFast) }
                    observer?.suiteStarted(scenario)
                    suite.tests.forEach { observer?.testFinished($0, in: scenario) }
                }
            }
            suite.systemErr = Redaction.redactText(suite.systemErr)
            suite.properties = properties(for: scenario)
            observer?.suiteFinished(suite)
            suites.append(suite)
            finished.value = suites
        }
        return suites
    }

    /// The suites finished so far: what Ctrl-C can still report.
    public var finishedSuites: [SuiteResult] { finished.value }

    /// Drops every sandbox still standing: for Ctrl-C in the middle of a run. Through a
    /// pool of its own, since the run's may have every client out, and with a short
    /// server selection timeout, since the server may be what went away.
    public func dropSandboxes() -> [String] {
        guard !options.keepDatabases, !sandboxes.all.isEmpty else { return [] }
        do {
            let pool = try ConnectionPool(uri: uri, serverSelectionTimeoutMS: 2_000)
            defer { pool.close() }
            return try pool.withClient { sandboxes.dropAll(using: $0) }
        } catch {
            return ["The sandbox databases \(sandboxes.all.joined(separator: ", ")) could not be dropped: \(error)"]
        }
    }

    public func close() {
        pool.close()
    }

    private func erroredSuite(_ scenario: Scenario, _ tests: [ScenarioTest], _ error: Error) -> SuiteResult {
        let problem: TestProblem
        switch error {
        case let failure as RunFailure: problem = failure.problem
        case let error as MongoError: problem = Failures.unexpected("sandbox", error)
        default: problem = TestProblem(type: "error", message: "\(error)")
        }
        return SuiteResult(
            name: scenario.name, file: scenario.file, classname: SuiteResult.classname(forFile: scenario.file),
            timestamp: Date(),
            tests: tests.map { SuiteRunner.redacted(TestResult(name: $0.name, line: $0.line, outcome: .errored(problem))) })
    }

    private func properties(for scenario: Scenario) -> [(name: String, value: String)] {
        var properties: [(name: String, value: String)] = [
            ("server.version", facts.version), ("server.topology", facts.topology.rawValue),
            ("server.uri", pool.redactedURI), ("preflight.version", PreflightVersion.current),
            ("mode", scenario.mode.rawValue),
        ]
        for (name, value) in scenario.vars {
            let shown = Redaction.isSensitive(name) ? Redaction.placeholder : Redaction.redact(value).extendedJSON(.relaxed)
            properties.append(("var.\(name)", shown))
        }
        return properties
    }
}
