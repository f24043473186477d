import Foundation
import Mongo

/// Which tests a run includes: `--filter` (a substring of the file, scenario or test
/// name, any case) and `--tag` (on the scenario or the test).
public struct TestSelection: Sendable {
    public var filter: String?
    public var tags: [String]

    public init(filter: String? = nil, tags: [String] = []) {
        self.filter = filter
        self.tags = tags
    }

    public func select(_ scenarios: [Scenario]) -> [(scenario: Scenario, tests: [ScenarioTest])] {
        scenarios.compactMap { scenario in
            let tests = scenario.tests.filter { includes($0, of: scenario) }
            return tests.isEmpty ? nil : (scenario, tests)
        }
    }

    func includes(_ test: ScenarioTest, of scenario: Scenario) -> Bool {
        if let filter, !filter.isEmpty {
            let haystack = [scenario.file, scenario.name, test.name].map { $0.lowercased() }
            if !haystack.contains(where: { $0.contains(filter.lowercased()) }) { return false }
        }
        let wanted = Set(tags.map { $0.lowercased() })
        if !wanted.isEmpty && wanted.isDisjoint(with: (scenario.tags + test.tags).map { $0.lowercased() }) { return false }
        return true
    }
}
