import Mongo

/// One scenario file, validated: everything the runner needs, nothing left to check.
public struct Scenario: Sendable {
    public enum Mode: String, Sendable {
        /// Runs in a database of its own, created fresh and dropped afterwards.
        case sandbox
        /// Reads the real database; only read operations, checked at load time.
        case live
    }

    /// The file as the user named it.
    public var file: String
    public var name: String
    public var description: String?
    public var tags: [String]
    public var requires: Requirements
    /// The logical database name: the live database in live mode; in sandbox mode, the
    /// name `command` steps may use to mean the sandbox.
    public var database: String
    public var mode: Mode
    public var vars: BSONDocument
    public var fixtures: [Fixture]
    /// Procedures by the name `run` uses: plain for the file's own, `library.name` for included ones.
    public var procedures: [String: Procedure]
    /// Checks by the name `check` uses, named like procedures.
    public var checks: [String: OperationStep]
    public var tests: [ScenarioTest]
    /// Live files: why the collections it reads may hold no document (`allowEmpty`).
    public var allowEmpty: String? = nil
    /// Programs started before the first test and stopped after the last (sandbox files).
    public var services: [ServiceSpec] = []
    /// Live files: where reads go unless a step says (`--read-preference` overrides it).
    public var readPreference: ReadPreference? = nil
    /// The names the file's own `vars` declare: what `--var` may set.
    public var declaredVars: Set<String> = []

    /// The collections the file's steps and checks read, in first-use order (see
    /// `CollectionsNamed`): what a live file reads, so a run can tell an empty or misnamed
    /// database from a healthy one.
    public var collectionsRead: [String] {
        var found = CollectionsNamed(procedures: procedures)
        for test in tests { found.visit(test.steps) }
        for (_, check) in checks.sorted(by: { $0.key < $1.key }) { found.visit(operation: check) }
        return found.names
    }
}
