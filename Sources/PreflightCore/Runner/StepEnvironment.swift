import Mongo

/// Everything a step runs with: its connection, its session when inside a transaction,
/// its database, its variables, and where it reports.
struct StepEnvironment {
    let pool: ConnectionPool
    let client: MongoClient
    var session: ClientSession?
    /// Set inside a `transaction` step.
    var transaction: TransactionAttempt?
    /// Set inside a `run` step that expects an error: a failing operation's `MongoError`
    /// goes up as it is, for the step to match, instead of ending the test.
    var passesErrorsUp = false
    /// The sandbox, or the live database.
    let database: String
    let scenario: Scenario
    var scope: VariableScope
    let failPoints: FailPointSwitch
    let log: TestLog
    /// Asked after a lost connection where waiting would be long: inside a transaction,
    /// which is otherwise retried for two minutes.
    var watch: ServerWatch?
    /// The sandbox's connection and services, for `exec` and `http` steps; nil in live files.
    var programs: ProgramContext? = nil

    var executor: OperationExecutor {
        OperationExecutor(
            client: client, session: session, database: database, logicalDatabase: scenario.database,
            live: scenario.mode == .live, readPreference: scenario.readPreference)
    }

    func with(scope: VariableScope) -> StepEnvironment {
        var copy = self
        copy.scope = scope
        return copy
    }
}
