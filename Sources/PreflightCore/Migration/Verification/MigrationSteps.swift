import Foundation
import Mongo

/// Runs a migration's `up` or `down` in the sandbox, each step recorded and its commands
/// logged, as a scenario test's steps are.
struct MigrationSteps {
    let pool: ConnectionPool
    let client: MongoClient
    let commandLog: CommandLog
    let scenario: Scenario
    let database: String

    /// Runs `steps` once.
    /// - Returns: what stopped them, or nil when every step succeeded.
    func run(_ steps: [Step], log: TestLog) -> RunFailure? {
        commandLog.attach(log)
        defer { commandLog.attach(nil) }
        let scope = VariableScope(vars: scenario.vars)
        let environment = StepEnvironment(
            pool: pool, client: client, session: nil, database: database, scenario: scenario, scope: scope,
            failPoints: FailPointSwitch(), log: log)
        for step in steps {
            let started = Date()
            do {
                try StepRunner.run(step, environment)
                log.record(step, duration: Date().timeIntervalSince(started), failure: nil)
            } catch {
                let failure = Self.failure(error, at: step.title)
                log.record(step, duration: Date().timeIntervalSince(started), failure: failure)
                log.append("✗ \(failure.problem.message)")
                return failure
            }
        }
        return nil
    }

    /// A step's own failure as it is. A server error is the migration failing — the
    /// verdict this check exists for — and a lost connection an error of the environment.
    static func failure(_ error: Error, at title: String) -> RunFailure {
        switch error {
        case RunFailure.errored(let problem) where problem.type == "serverError":
            return .failed(problem)
        case let failure as RunFailure:
            return failure
        case let error as MongoError:
            let problem = Failures.unexpected(title, error)
            return error.kind == .network || error.kind == .serverSelection ? .errored(problem) : .failed(problem)
        default:
            return .errored(TestProblem(type: "error", message: "\(title): \(error)"))
        }
    }
}
