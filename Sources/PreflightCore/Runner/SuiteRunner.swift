import Foundation
import Mongo

/// Runs one scenario's tests, each in a freshly loaded sandbox (or against the live
/// database), and collects their results.
final class SuiteRunner {
    let pool: ConnectionPool
    let facts: ServerFacts
    let commandLog: CommandLog
    let options: RunOptions
    /// Why the rest of the run stops (`--fail-fast`, a dead scratch server); shared by every suite.
    let stop: StopSignal
    weak var observer: RunObserver?

    init(pool: ConnectionPool, facts: ServerFacts, commandLog: CommandLog, options: RunOptions, stop: StopSignal, observer: RunObserver?) {
        self.pool = pool
        self.facts = facts
        self.commandLog = commandLog
        self.options = options
        self.stop = stop
        self.observer = observer
    }

    /// - Parameters:
    ///   - database: the sandbox's name, or the live database.
    ///   - sandbox: whether `database` is a sandbox this run created (and may drop).
    func run(_ scenario: Scenario, tests: [ScenarioTest], database: String, sandbox: Bool) -> SuiteResult {
        let started = Date()
        var suite = SuiteResult(
            name: scenario.name, file: scenario.file, classname: SuiteResult.classname(forFile: scenario.file),
            timestamp: started)
        observer?.suiteStarted(scenario)
        let unmet = scenario.requires.unmetReason(on: facts)
        for test in tests {
            var result: TestResult
            if options.serverIsUp?() == false {
                stop.set(.serverDied)
            }
            if let reason = stop.reason {
                let outcome: TestResult.Outcome = switch reason {
                case .failFast: .skipped(reason: "not run: --fail-fast stopped the run after a failure")
                case .serverDied: .errored(TestProblem(type: "environment", message: "not run: the scratch server stopped"))
                }
                result = TestResult(name: test.name, line: test.line, outcome: outcome)
            } else if let unmet {
                result = TestResult(name: test.name, line: test.line, outcome: .skipped(reason: unmet))
            } else if let reason = test.skip {
                result = TestResult(name: test.name, line: test.line, outcome: .skipped(reason: reason))
            } else {
                observer?.testStarted(test, in: scenario)
                result = run(test, of: scenario, database: database, sandbox: sandbox)
            }
            result = Self.redacted(result)
            if options.failOnSkip { result = Self.failingSkip(result) }
            if options.failFast, case .failed = result.outcome { stop.set(.failFast) }
            if options.failFast, case .errored = result.outcome { stop.set(.failFast) }
            suite.tests.append(result)
            observer?.testFinished(result, in: scenario)
        }
        suite.duration = Date().timeIntervalSince(started)
        return suite
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
        result.output = Redaction.redactText(result.output)
        result.steps = result.steps.map { step in
            var step = step
            step.title = Redaction.redactText(step.title)
            step.message = step.message.map(Redaction.redactText)
            return step
        }
        return result
    }

    private func run(_ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool) -> TestResult {
        let started = Date()
        let log = TestLog()
        var failures: [(iteration: Int, failure: RunFailure)] = []
        for iteration in 1...test.repeatCount {
            log.beginIteration(iteration, of: test.repeatCount)
            if let failure = runOnce(test, of: scenario, database: database, sandbox: sandbox, log: log) {
                failures.append((iteration, failure))
                log.append("✗ \(failure.problem.message)")
            }
        }
        let duration = Date().timeIntervalSince(started)
        let steps = log.stepRecords
        guard let first = failures.first else {
            return TestResult(
                name: test.name, line: test.line, duration: duration, outcome: .passed, output: log.text,
                steps: steps.kept, stepsNotRecorded: steps.notKept)
        }
        var problem = first.failure.problem
        if test.repeatCount > 1 {
            problem.message = "\(failures.count) of \(test.repeatCount) iterations failed; the first (iteration \(first.iteration)): " + problem.message
        }
        problem.details += "\n\ncommands and steps:\n" + log.text
        let erroredOnly = failures.allSatisfy { if case .errored = $0.failure { true } else { false } }
        return TestResult(
            name: test.name, line: test.line, duration: duration,
            outcome: erroredOnly ? .errored(problem) : .failed(problem), output: log.text, steps: steps.kept,
            stepsNotRecorded: steps.notKept)
    }

    /// One iteration: fresh sandbox and fixtures, the steps, then the expectations.
    private func runOnce(_ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool, log: TestLog) -> RunFailure? {
        commandLog.attach(log)
        defer { commandLog.attach(nil) }
        let failPoints = FailPointSwitch()
        do {
            return try pool.withClient { client -> RunFailure? in
                let failure = runSteps(test, of: scenario, database: database, sandbox: sandbox, client: client, log: log, failPoints: failPoints)
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
        _ test: ScenarioTest, of scenario: Scenario, database: String, sandbox: Bool, client: MongoClient, log: TestLog,
        failPoints: FailPointSwitch
    ) -> RunFailure? {
        do {
            let scope = VariableScope(values: Dictionary(scenario.vars.elements.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
            if sandbox { try FixtureLoader.load(scenario.fixtures, into: database, client: client, scope: scope) }
            let environment = StepEnvironment(
                pool: pool, client: client, session: nil, database: database, scenario: scenario, scope: scope,
                failPoints: failPoints, log: log)
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

    /// Under `--fail-on-skip`, a skipped test as a failure: it checked nothing.
    static func failingSkip(_ result: TestResult) -> TestResult {
        guard case .skipped(let reason) = result.outcome else { return result }
        var failed = result
        failed.outcome = .failed(TestProblem(
            type: "skipped", message: "skipped (\(reason)), and --fail-on-skip is set: a skipped test checked nothing"))
        return failed
    }
}
