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
}

/// What a scenario needs of the server; when unmet, its tests are skipped with the reason.
public struct Requirements: Sendable, Equatable {
    public var minServerVersion: String?
    public var maxServerVersion: String?
    /// `single`, `replicaset`, `sharded`; nil means any.
    public var topologies: [String]?
    public var failPoints: Bool

    public init(minServerVersion: String? = nil, maxServerVersion: String? = nil, topologies: [String]? = nil, failPoints: Bool = false) {
        self.minServerVersion = minServerVersion
        self.maxServerVersion = maxServerVersion
        self.topologies = topologies
        self.failPoints = failPoints
    }
}

/// A collection loaded before every test: dropped, created with `options`, indexed, filled.
public struct Fixture: Sendable {
    public var collection: String
    public var documents: [BSONDocument]
    /// Each `{key: {...}, name?, unique?, …}`.
    public var indexes: [BSONDocument]
    /// `create` options, e.g. a `validator`.
    public var options: BSONDocument
    /// Whether documents hold `$$now`, `$$newObjectId` or `$$var`, replaced before each test.
    public var substitutes: Bool
}

/// Named steps with parameters, called with `run`.
public struct Procedure: Sendable {
    public var name: String
    public var params: [String]
    public var steps: [Step]
}

public struct ScenarioTest: Sendable {
    public var name: String
    public var description: String?
    public var tags: [String]
    /// Why the test is skipped, when it is.
    public var skip: String?
    /// How many times the whole test runs, fixtures included.
    public var repeatCount: Int
    public var steps: [Step]
    /// Collections to compare after the steps, in `_id` order.
    public var expectCollections: [(collection: String, documents: [BSON])]
    public var checks: [String]
    /// Where the test starts in its file, for `--junit-extended`.
    public var line: Int?
    public var path: JSONPath
}
