import Mongo

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
    /// Each collection's documents in `_id` order; `exact`: no stored document has a
    /// root field the expectation does not name.
    public var expectCollections: [(collection: String, documents: [BSON], exact: Bool)]
    public var checks: [String]
    /// Where the test starts in its file, for `--junit-extended`.
    public var line: Int?
    public var path: JSONPath
}
