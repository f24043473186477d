import Foundation
import Mongo

/// Runs one scenario's tests, each in a freshly loaded sandbox (or against the live
/// database), and collects their results.
final class SuiteRunner {
    /// Where a failing test's details turn to its log: the JSON report cuts there (the log
    /// is its `output`), and the JUnit body does not repeat the log after it.
    static let logLabel = "commands and steps:\n"
    static let logHeading = "\n\n" + logLabel
    let pool: ConnectionPool
    let facts: ServerFacts
    let commandLog: CommandLog
    let options: RunOptions
    /// Why the rest of the run stops (`--fail-fast`, a server that is gone); shared by every suite.
    let stop: StopSignal
    /// Whether the server is still there: asked before every test and iteration, and
    /// re-checked after a lost connection.
    let watch: ServerWatch
    weak var observer: RunObserver?

    init(
        pool: ConnectionPool, facts: ServerFacts, commandLog: CommandLog, options: RunOptions, stop: StopSignal, watch: ServerWatch,
        observer: RunObserver?
    ) {
        self.pool = pool
        self.facts = facts
        self.commandLog = commandLog
        self.options = options
        self.stop = stop
        self.watch = watch
        self.observer = observer
    }

    /// - Parameters:
    ///   - database: the sandbox's name, or the live database.
    ///   - sandbox: whether `database` is a sandbox this run created (and may drop).
    ///   - progress: the suite so far, after each test: what Ctrl-C reports of a file it
    ///     interrupts.
    ///   - programs: the sandbox's connection and services, for `exec` and `http` steps.
    func run(
        _ scenario: Scenario, tests: [ScenarioTest], database: String, sandbox: Bool, programs: ProgramContext? = nil,
        progress: (SuiteResult) -> Void = { _ in }
    ) -> SuiteResult {
        let started = Date()
        var suite = SuiteResult(
            name: scenario.name, file: scenario.file, classname: SuiteResult.classname(forFile: scenario.file),
            timestamp: started)
        observer?.suiteStarted(scenario)
        let unmet = scenario.requires.unmetReason(on: facts)
        for test in tests {
            var result: TestResult
            if let reason = stopReason {
                result = TestResult(name: test.name, line: test.line, outcome: reason.notRun)
            } else if let unmet {
                result = TestResult(name: test.name, line: test.line, outcome: .skipped(reason: unmet))
            } else if let reason = test.skip {
                result = TestResult(name: test.name, line: test.line, outcome: .skipped(reason: reason))
            } else if facts.topology == .single, ScratchTopology.usesTransaction(test.steps, procedures: scenario.procedures) {
                // mongod refuses a transaction on a standalone; SecantusDB's standalone runs
                // it. A pass there would promise what production cannot do.
                result = TestResult(name: test.name, line: test.line, outcome: .errored(TestProblem(
                    type: "topology",
                    message: "\(test.path): uses a transaction, and MongoDB runs transactions only on a replica set or a sharded cluster; this server is a standalone (`preflight scratch --replica-set` starts a replica set; `preflight run` without --uri starts one by itself)")))
            } else {
                observer?.testStarted(test, in: scenario)
                result = run(test, of: scenario, database: database, sandbox: sandbox, programs: programs)
            }
            result = Self.redacted(result)
            if options.failOnSkip { result = Self.failingSkip(result) }
            if options.failFast, case .failed = result.outcome { stop.set(.failFast) }
            if options.failFast, case .errored = result.outcome { stop.set(.failFast) }
            suite.tests.append(result)
            suite.duration = Date().timeIntervalSince(started)
            progress(suite)
            observer?.testFinished(result, in: scenario)
        }
        return suite
    }

    /// Why nothing more runs: `--fail-fast`, or a server that is gone (seen here first,
    /// or by another lane).
    private var stopReason: StopSignal.Reason? {
        if let gone = watch.reason { stop.set(gone) }
        return stop.reason
    }

    /// Every message and log line of a result with secrets replaced: the one place free
    /// text is redacted, which every report (console, JUnit, JSON, Markdown) takes its
    /// text from. Values quoted as documents are redacted structurally where they are written.
    static func redacted(_ result: TestResult) -> TestResult {
        var result = result
        func clean(_ problem: TestProblem) -> TestProblem {
            TestProblem(type: problem.type, message: Redaction.redactText(problem.message), details: Redaction.redactText(problem.details))
        }
        switch result.outcome {
        case .failed(let problem): result.outcome = .failed(clean(problem))
        case .errored(let problem): result.outcome = .errored(clean(problem))
        case .passed, .skipped: break
        }
        result.lazyOutput = result.lazyOutput.map(Redaction.redactText)
        result.steps = result.steps.map { step in
            var step = step
            step.lazyTitle = step.lazyTitle.map(Redaction.redactText)
            step.message = step.message.map(Redaction.redactText)
            return step
        }
        return result
    }

    private func run(_ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool, programs: ProgramContext?) -> TestResult {
        let started = Date()
        let log = TestLog()
        var failures: [(iteration: Int, failure: RunFailure)] = []
        var ran = 0
        var cutShort: StopSignal.Reason?
        for iteration in 1...test.repeatCount {
            // A server that is gone fails every iteration after a wait for it: the rest are not run.
            if let reason = stopReason, reason.serverGone {
                cutShort = reason
                break
            }
            log.beginIteration(iteration, of: test.repeatCount)
            ran = iteration
            if let failure = runOnce(test, of: scenario, database: database, sandbox: sandbox, programs: programs, log: log) {
                failures.append((iteration, failure))
                log.append("✗ \(failure.problem.message)")
                log.iterationFailed()
            }
        }
        let duration = Date().timeIntervalSince(started)
        let steps = log.stepRecords
        let notRun = cutShort.map { Self.iterationsNotRun(after: ran, of: test.repeatCount, because: $0) }
        guard let first = failures.first else {
            if let notRun {
                return TestResult(
                    name: test.name, line: test.line, duration: duration,
                    outcome: .errored(TestProblem(type: "environment", message: notRun, details: Self.logLabel + log.text)),
                    output: log.text, steps: steps.kept, stepsNotRecorded: steps.notKept)
            }
            var result = TestResult(
                name: test.name, line: test.line, duration: duration, outcome: .passed,
                steps: steps.kept, stepsNotRecorded: steps.notKept)
            result.lazyOutput = log.lazyText
            return result
        }
        var problem = first.failure.problem
        if let notRun {
            problem.message = "\(failures.count) of the \(ran) iterations run failed (\(notRun)); the first (iteration \(first.iteration)): " + problem.message
        } else if test.repeatCount > 1 {
            problem.message = "\(failures.count) of \(test.repeatCount) iterations failed; the first (iteration \(first.iteration)): " + problem.message
        }
        // What the application said while the test failed is often why; before the log,
        // which reports that give the log a place of their own cut from its heading on.
        if let services = programs?.services {
            // A refused connection reads as the application's answer; say it was gone.
            let ended = services.ended
            if !ended.isEmpty { problem.message += " (" + ended.joined(separator: "; ") + ")" }
            problem.details += "\n\n" + services.logs
        }
        problem.details += Self.logHeading + log.text
        let erroredOnly = failures.allSatisfy { if case .errored = $0.failure { true } else { false } }
        return TestResult(
            name: test.name, line: test.line, duration: duration,
            outcome: erroredOnly ? .errored(problem) : .failed(problem), output: log.text, steps: steps.kept,
            stepsNotRecorded: steps.notKept)
    }

    /// One iteration: fresh sandbox and fixtures, the steps, then the expectations.
    private func runOnce(
        _ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool, programs: ProgramContext?, log: TestLog
    ) -> RunFailure? {
        commandLog.attach(log)
        defer { commandLog.attach(nil) }
        let failPoints = FailPointSwitch()
        do {
            return try pool.withClient { client -> RunFailure? in
                let failure = runSteps(
                    test, of: scenario, database: database, sandbox: sandbox, programs: programs, client: client, log: log, failPoints: failPoints)
                if let failure, failure.lostConnection,
                    let reason = watch.recheck(after: "\(scenario.file), test \"\(test.name)\": " + failure.problem.message)
                {
                    // Switching the fail points off would wait out server selection once more.
                    log.append("! \(reason.because): the fail points this test set, if any, were not switched off")
                    return failure
                }
                // A fail point left on would fail the next test, or another run on a shared
                // server: not being able to switch it off fails this test, whatever it did.
                let problems = failPoints.switchOff(using: client)
                problems.forEach { log.append("! " + $0) }
                if failure == nil, let first = problems.first {
                    return .errored(TestProblem(type: "failPoint", message: "\(test.path): \(first)", details: problems.joined(separator: "\n")))
                }
                return failure
            }
        } catch {
            return .errored(TestProblem(type: "error", message: "\(test.path): \(error)"))
        }
    }
}

extension SuiteRunner {
    /// The test's steps, each recorded in the log, then its `expectCollections`, then its checks.
    func runSteps(
        _ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool, programs: ProgramContext? = nil, client: MongoClient,
        log: TestLog, failPoints: FailPointSwitch
    ) -> RunFailure? {
        do {
            let scope = VariableScope(vars: scenario.vars)
            if let programs { scope.set(VariableName.builtIn, programs.variable) }
            if sandbox { try FixtureLoader.load(scenario.fixtures, into: database, client: client, scope: scope) }
            let environment = StepEnvironment(
                pool: pool, client: client, session: nil, database: database, scenario: scenario, scope: scope,
                failPoints: failPoints, log: log, watch: watch, programs: programs)
            // The test's own steps are run one by one here rather than by
            // `StepRunner.run(_:_:)`, so that each is timed and recorded, and the steps
            // nested inside them are not.
            for step in test.steps {
                let started = Date()
                do {
                    try StepRunner.run(step, environment)
                    log.record(step, duration: Date().timeIntervalSince(started), failure: nil)
                } catch {
                    log.record(step, duration: Date().timeIntervalSince(started), failure: Self.failure(error, at: step.title))
                    throw error
                }
            }
            try CollectionExpectation.check(test.expectCollections, in: database, client: client, scope: scope)
            for (index, name) in test.checks.enumerated() {
                guard let check = scenario.checks[name] else { continue }
                do {
                    try CheckRunner.evaluate(name, check, step: nil, environment)
                } catch let failure as RunFailure {
                    throw failure.prefixed("\(test.path).checks[\(index)]: check \(name)")
                }
            }
            return nil
        } catch {
            return Self.failure(error, at: "\(test.path)")
        }
    }

    /// What `error` means for the test: a step's own `RunFailure` as it is; anything else,
    /// a server error included, is unexpected and reported at `location`.
    private static func failure(_ error: Error, at location: String) -> RunFailure {
        switch error {
        case let failure as RunFailure: failure
        case let error as MongoError: .errored(Failures.unexpected(location, error))
        default: .errored(TestProblem(type: "error", message: "\(location): \(error)"))
        }
    }

    /// "iterations 4–50 of 50 not run: …", for a repeated test the server went away in.
    static func iterationsNotRun(after ran: Int, of total: Int, because reason: StopSignal.Reason) -> String {
        let first = ran + 1
        let which = first == total ? "iteration \(first)" : "iterations \(first)–\(total)"
        return "\(which) of \(total) not run: \(reason.because)"
    }

    /// Under `--fail-on-skip`, a skipped test as a failure: it checked nothing.
    static func failingSkip(_ result: TestResult) -> TestResult {
        guard case .skipped(let reason) = result.outcome else { return result }
        var failed = result
        failed.outcome = .failed(TestProblem(
            type: "skipped", message: "skipped (\(reason)), and --fail-on-skip is set: a skipped test checked nothing"))
        return failed
    }
}
