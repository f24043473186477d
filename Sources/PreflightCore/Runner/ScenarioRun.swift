import Foundation
import Mongo

/// A run of validated scenarios on one server: sandboxes claimed and dropped, requirements
/// checked against the server, every test reported to the observer as it finishes.
public final class ScenarioRun: @unchecked Sendable {
    // @unchecked: mutable state lives in the Sendable helpers (SandboxNames, CommandLog).
    public let pool: ConnectionPool
    public let facts: ServerFacts
    private let uri: String
    private let serverSelectionTimeoutMS: Int32?
    /// The tests finished so far, file by file, in order: what Ctrl-C reports (migrations
    /// record theirs too).
    let progress = RunProgress()
    /// Whether the server is still there; once it is gone, nothing more waits for it.
    let watch: ServerWatch
    let commandLog: CommandLog
    /// Every lane's commands pass it, so Ctrl-C can stop them all.
    private let gate = CommandGate()
    let sandboxes: SandboxNames
    /// The sandboxes still standing: after a run with `--keep-databases`, the ones kept.
    public var standingSandboxes: [String] { sandboxes.all }
    let options: RunOptions

    /// Opens a pool on `uri` and asks the server what it is.
    /// - Parameter serverSelectionTimeoutMS: replaces the URI's (libmongoc's default is
    ///   30 s): a scratch server on this machine answers at once or is gone.
    /// - Throws: `MongoError` when the server cannot be reached: the environment failed.
    public init(uri: String, options: RunOptions, serverSelectionTimeoutMS: Int32? = nil) throws {
        let commandLog = CommandLog()
        let gate = gate
        self.commandLog = commandLog
        self.options = options
        self.uri = uri
        self.serverSelectionTimeoutMS = serverSelectionTimeoutMS
        let sandboxes = SandboxNames(uri: uri)
        self.sandboxes = sandboxes
        // An app name of the run's own, even over one the URI names (it may be the
        // application's), lets `failCommand` fail points be limited to this run's
        // connections: on a shared server, nobody else's commands fail.
        let pool = try ConnectionPool(
            uri: uri, monitor: CommandMonitor { gate.record($0); commandLog.record($0) }, appName: "preflight-" + sandboxes.runID,
            replacingURIAppName: true, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        do {
            facts = try pool.withClient { try $0.serverFacts() }
        } catch {
            pool.close()
            throw error
        }
        self.pool = pool
        watch = ServerWatch(uri: uri, appName: pool.appName + "-recheck", serverIsUp: options.serverIsUp)
    }

    public var runID: String { sandboxes.runID }

    /// Runs `selection`: each sandbox scenario in a database of its own, `options.jobs`
    /// files at a time. The suites come back, and the observer hears of them, in the
    /// order of `selection` whatever order they finish in.
    public func run(_ selection: [(scenario: Scenario, tests: [ScenarioTest])], observer: RunObserver?) -> [SuiteResult] {
        let stop = StopSignal()
        progress.begin()
        let order = OrderedObserver(observer)
        // With --fail-fast, one file at a time: the files after a failure must not run,
        // and with several lanes they would already be running.
        let lanes = openLanes(min(options.failFast ? 1 : max(options.jobs, 1), selection.count))
        defer { lanes.dropFirst().forEach { close($0.pool) } }
        let next = Guarded(0)
        let results = Guarded<[Int: SuiteResult]>([:])
        // `failCommand` is one fail point per server: two files setting it at once would
        // overwrite each other's, so files that use fail points take turns.
        let failPointTurn = NSLock()

        @Sendable func work(on lane: RunLane) {
            let runner = SuiteRunner(
                pool: lane.pool, facts: facts, commandLog: lane.commandLog, options: options, stop: stop, watch: watch, observer: nil)
            while true {
                let index = next.mutate { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < selection.count else { return }
                let (scenario, tests) = selection[index]
                let suiteObserver = order.observer(forSuite: index)
                runner.observer = suiteObserver
                if scenario.requires.failPoints { failPointTurn.lock() }
                let suite = run(scenario, tests, at: index, runner: runner, lane: lane, observer: suiteObserver, stop: stop)
                if scenario.requires.failPoints { failPointTurn.unlock() }
                results.mutate { $0[index] = suite }
                progress.record(suite, at: index)
                suiteObserver.suiteFinished(suite)
            }
        }

        if lanes.count == 1 {
            work(on: lanes[0])
        } else {
            // Threads of our own, not Dispatch's: lanes spend their time waiting on the
            // server, and `concurrentPerform` would run no more of them than there are cores.
            let group = DispatchGroup()
            for lane in lanes {
                group.enter()
                let thread = Thread {
                    work(on: lane)
                    group.leave()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            group.wait()
        }
        return (0..<selection.count).compactMap { results.value[$0] }
    }

    /// One file on one lane, file `index` of the run; `suiteFinished` is left to the
    /// caller, after the result is kept.
    private func run(
        _ scenario: Scenario, _ tests: [ScenarioTest], at index: Int, runner: SuiteRunner, lane: RunLane, observer: RunObserver,
        stop: StopSignal
    ) -> SuiteResult {
        var suite: SuiteResult
        /// Keeps each test as it finishes, for Ctrl-C, with what the finished file will say.
        func keep(note: String) -> (SuiteResult) -> Void {
            { [self] partial in
                var partial = partial
                partial.systemOut += note
                self.progress.record(partial, at: index) { [self] in properties(for: scenario) }
            }
        }
        if let gone = watch.reason {
            // Claiming a sandbox, or reading a live database, would wait for the server in vain.
            stop.set(gone)
            suite = notRunSuite(scenario, tests, reason: gone)
            observer.suiteStarted(scenario)
            suite.tests.forEach { observer.testFinished($0, in: scenario) }
        } else if scenario.mode == .live && options.onScratchServer {
            // Said as a skip, not run as a pass: a monitoring file reading an empty scratch
            // database would report a healthy production.
            suite = skippedSuite(scenario, tests, reason: "a live file reads a real database, and this run is on a scratch server that holds none; run it with --uri")
            observer.suiteStarted(scenario)
            suite.tests.forEach { observer.testFinished($0, in: scenario) }
        } else if scenario.mode == .live {
            let database = options.databaseOverride ?? scenario.database
            let note = database == scenario.database ? "" : "read the database \(database) (the file names \(scenario.database))\n"
            var live = scenario
            if let preference = options.readPreference { live.readPreference = preference }
            suite = runner.run(live, tests: tests, database: database, sandbox: false, progress: keep(note: note))
            suite.systemOut += note
            let check: TestResult
            if let gone = watch.reason {
                check = TestResult(name: LiveDataCheck.testName, outcome: gone.notRun)
            } else {
                check = (try? lane.pool.withClient { LiveDataCheck.result(scenario, database: database, client: $0) })
                    ?? TestResult(name: LiveDataCheck.testName, outcome: .errored(TestProblem(type: "environment", message: "no connection to read \(database)")))
            }
            suite.tests.append(SuiteRunner.redacted(check))
            observer.testFinished(suite.tests[suite.tests.count - 1], in: scenario)
        } else {
            do {
                let name = try lane.pool.withClient { try sandboxes.claim(using: $0) }
                suite = runWithServices(
                    scenario, tests, sandbox: name, runner: runner, observer: observer, progress: keep(note: "sandbox database: \(name)\n"))
                suite.systemOut += "sandbox database: \(name)\n"
                if watch.reason == .serverDied {
                    suite.systemErr += "The sandbox \(name) went with the scratch server.\n"
                } else if watch.reason == .serverLost {
                    suite.systemErr += "The sandbox \(name) was not dropped: the server stopped answering.\n"
                } else if !options.keepDatabases {
                    let problem: String?
                    do {
                        problem = try lane.pool.withClient { sandboxes.drop(name, using: $0) }
                    } catch {
                        problem = "The sandbox database \(name) could not be dropped: \(error)"
                    }
                    if let problem { suite.systemErr += problem + "\n" }
                } else {
                    suite.systemOut += "kept (--keep-databases)\n"
                }
            } catch {
                suite = erroredSuite(scenario, tests, error)
                if options.failFast { stop.set(.failFast) }
                observer.suiteStarted(scenario)
                suite.tests.forEach { observer.testFinished($0, in: scenario) }
            }
        }
        suite.systemErr = Redaction.redactText(suite.systemErr)
        suite.properties = properties(for: scenario)
        return suite
    }

    /// The file's tests in its sandbox, its services (if any) started before the first and
    /// stopped after the last; a service that does not start errors every test.
    private func runWithServices(
        _ scenario: Scenario, _ tests: [ScenarioTest], sandbox: String, runner: SuiteRunner, observer: RunObserver,
        progress: @escaping (SuiteResult) -> Void
    ) -> SuiteResult {
        var programs = ProgramContext(uri: uri, database: sandbox)
        guard !scenario.services.isEmpty else {
            return runner.run(scenario, tests: tests, database: sandbox, sandbox: true, programs: programs, progress: progress)
        }
        let scope = VariableScope(vars: scenario.vars)
        let services: ServiceGroup
        do {
            services = try ServiceGroup.start(scenario.services, context: &programs, scope: scope)
        } catch {
            let suite = erroredSuite(scenario, tests, error)
            observer.suiteStarted(scenario)
            suite.tests.forEach { observer.testFinished($0, in: scenario) }
            return suite
        }
        defer { services.stop() }
        var suite = runner.run(scenario, tests: tests, database: sandbox, sandbox: true, programs: programs, progress: progress)
        suite.systemOut += services.running.map { "service \($0.spec.name): port \($0.port)\n" }.joined()
        return suite
    }

    /// The run's own lane, then one more per extra job. A lane that cannot be opened is
    /// left out: fewer jobs, the same results.
    private func openLanes(_ count: Int) -> [RunLane] {
        var lanes = [RunLane(pool: pool, commandLog: commandLog)]
        for number in stride(from: 2, through: count, by: 1) {
            if let lane = try? RunLane.open(
                uri: uri, appName: pool.appName + "-\(number)", gate: gate, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
            {
                lanes.append(lane)
            }
        }
        return lanes
    }

    /// The tests finished so far, file by file: what Ctrl-C can still report.
    public var finishedSuites: [SuiteResult] { progress.finished }

    /// When the server stopped answering during the run, and a re-check found it gone:
    /// what to say as the run ends (exit 3). Nil when it answers, and when the scratch
    /// server died, which has a message of its own.
    public var serverLoss: String? {
        guard watch.reason == .serverLost, let cause = watch.lossMessage else { return nil }
        return "The server at \(pool.redactedURI) stopped answering during the run, and did not answer a ping within "
            + "\(watch.recheckTimeoutMS / 1_000) s either. The error: \(Redaction.redactText(cause))\n"
            + "The tests left were not run; the reports list them as errors."
    }

    /// Stops the run and drops every sandbox still standing: for Ctrl-C in the middle of
    /// a run. The run's commands are held back first, or a test still running would
    /// bring its sandbox back with its next write. The drop goes through a pool of its
    /// own, since the run's may have every client out, with a short server selection
    /// timeout, since the server may be what went away.
    public func dropSandboxes() -> [String] {
        let settled = gate.close(timeout: 5)
        // Kept or not, the registry hears that the run is over: its sandboxes have no owner now.
        defer { sandboxes.finish(kept: options.keepDatabases, serverIsUp: options.serverIsUp?() != false && watch.reason == nil) }
        // A dead scratch server took its sandboxes with it; asking it would only time out.
        guard !options.keepDatabases, !sandboxes.all.isEmpty, watch.reason != .serverDied else { return [] }
        var problems = settled ? [] : ["A command the run had sent was still running after 5 s; it may write to its sandbox after the drop."]
        do {
            let pool = try ConnectionPool(uri: uri, serverSelectionTimeoutMS: 2_000)
            defer { pool.close() }
            problems += try pool.withClient { sandboxes.dropAll(using: $0) }
        } catch {
            problems.append("The sandbox databases \(sandboxes.all.joined(separator: ", ")) could not be dropped: \(error)")
        }
        return problems
    }

    /// The sandboxes on this server whose run is gone, as a line to print; nil when there
    /// are none, or when they cannot be read (a user who may not list databases).
    public func orphanNotice() -> String? {
        let inventory = try? pool.withClient { try SandboxInventory.survey($0) }
        return inventory?.orphanNotice(redactedURI: pool.redactedURI)
    }

    /// Ends the run: its lease renewals stop, the sandboxes it leaves (kept) are marked as
    /// no longer owned, and the pool closes.
    public func close() {
        // A sandbox whose drop failed at the end of its file is tried once more.
        if !options.keepDatabases, !sandboxes.all.isEmpty, watch.reason == nil {
            _ = try? pool.withClient { sandboxes.dropAll(using: $0) }
        }
        // Side by side: libmongoc takes about half a second to close a pool that was used,
        // and the registry's pool is closed by `finish`.
        let finished = DispatchSemaphore(value: 0)
        let serverIsUp = options.serverIsUp?() != false && watch.reason == nil
        Thread { [sandboxes, options] in
            sandboxes.finish(kept: options.keepDatabases, serverIsUp: serverIsUp)
            finished.signal()
        }.start()
        close(pool)
        finished.wait()
    }

    /// Closes one of the run's pools; without waiting for a server that is gone, as
    /// closing would (see `closeWithoutWaiting`).
    private func close(_ pool: ConnectionPool) {
        if watch.reason == nil { pool.close() } else { pool.closeWithoutWaiting() }
    }

    private func skippedSuite(_ scenario: Scenario, _ tests: [ScenarioTest], reason: String) -> SuiteResult {
        SuiteResult(
            name: scenario.name, file: scenario.file, classname: SuiteResult.classname(forFile: scenario.file),
            timestamp: Date(), tests: tests.map {
                let skipped = TestResult(name: $0.name, line: $0.line, outcome: .skipped(reason: reason))
                return options.failOnSkip ? SuiteRunner.failingSkip(skipped) : skipped
            })
    }

    private func notRunSuite(_ scenario: Scenario, _ tests: [ScenarioTest], reason: StopSignal.Reason) -> SuiteResult {
        SuiteResult(
            name: scenario.name, file: scenario.file, classname: SuiteResult.classname(forFile: scenario.file),
            timestamp: Date(), tests: tests.map { TestResult(name: $0.name, line: $0.line, outcome: reason.notRun) })
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

    func properties(for scenario: Scenario) -> [(name: String, value: String)] {
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
