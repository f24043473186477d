import Foundation
import Mongo

/// Which tests a run includes: `--filter` (a substring of the file, scenario or test
/// name, any case) and `--tag` (on the scenario or the test).
public struct TestSelection: Sendable {
    public var filter: String?
    public var tags: [String]
    /// `FILE::test name`: in a file named so, only the tests named so.
    public var exact: [ExactTest]

    public init(filter: String? = nil, tags: [String] = [], exact: [ExactTest] = []) {
        self.filter = filter
        self.tags = tags
        self.exact = exact
    }

    public func select(_ scenarios: [Scenario]) -> [(scenario: Scenario, tests: [ScenarioTest])] {
        scenarios.compactMap { scenario in
            let tests = scenario.tests.filter { includes($0, of: scenario) }
            return tests.isEmpty ? nil : (scenario, tests)
        }
    }

    func includes(_ test: ScenarioTest, of scenario: Scenario) -> Bool {
        let named = exact.filter { $0.names(scenario.file) }
        if !named.isEmpty && !named.contains(where: { $0.test == test.name }) { return false }
        if let filter, !filter.isEmpty {
            let haystack = [scenario.file, scenario.name, test.name].map { $0.lowercased() }
            if !haystack.contains(where: { $0.contains(filter.lowercased()) }) { return false }
        }
        let wanted = Set(tags.map { $0.lowercased() })
        if !wanted.isEmpty && wanted.isDisjoint(with: (scenario.tags + test.tags).map { $0.lowercased() }) { return false }
        return true
    }
}

/// `FILE::test name` on the command line: one test of one file, by its exact name.
public struct ExactTest: Sendable {
    public var file: String
    public var test: String

    public init(file: String, test: String) {
        self.file = file
        self.test = test
    }

    /// Whether `path` is this file, however either was written.
    public func names(_ path: String) -> Bool {
        Self.absolute(path) == Self.absolute(file)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
