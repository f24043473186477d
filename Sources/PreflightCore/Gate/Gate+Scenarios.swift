import Foundation
import Mongo

extension Gate {
    /// The scenario section's items, and the live files' failed tests with the scenario
    /// they belong to, for the pass after the pending migrations.
    struct ScenariosToday {
        var items: [GateItem]
        /// Every live test that ran to a verdict today (passed or failed; not one that
        /// errored, which never finished against real data), with its index in `items`.
        var liveTests: [(index: Int, scenario: Scenario, test: ScenarioTest)]
    }

    /// Sandbox scenarios in sandboxes, live scenarios read-only against the real database.
    func scenarioItems() -> ScenariosToday {
        var selection: [(scenario: Scenario, tests: [ScenarioTest])] = []
        var items: [GateItem] = []
        var refused: [(Scenario, String)] = []
        for (scenario, entry) in zip(loaded.scenarios, loaded.checklist.scenarios) {
            var scenario = scenario
            if scenario.mode == .live, let reason = entry.policy.allowEmpty { scenario.allowEmpty = reason }
            let need: Privileges.Need = scenario.mode == .live ? .read(database: database) : .sandboxes
            if let missing = privileges.missing(need) {
                refused.append((scenario, missing))
            } else {
                selection.append((scenario, scenario.tests))
            }
        }
        progress.begin(scenarios: selection.reduce(0) { $0 + $1.tests.count })
        let suites = run.run(selection, observer: progress)
        var liveTests: [(index: Int, scenario: Scenario, test: ScenarioTest)] = []
        for (scenario, suite) in zip(selection.map(\.scenario), suites) {
            let policy = policy(for: scenario)
            for result in suite.tests {
                let item = scenarioItem(result, scenario: scenario, policy: policy)
                let finished: Bool = switch result.outcome {
                case .passed, .failed: true
                default: false
                }
                if scenario.mode == .live, finished, let test = scenario.tests.first(where: { $0.name == result.name }) {
                    liveTests.append((items.count, scenario, test))
                }
                items.append(item)
            }
        }
        for (scenario, missing) in refused {
            for test in scenario.tests {
                var item = GateItem(
                    section: .scenarios, name: "\(scenario.file)::\(test.name)", outcome: .unknown,
                    reason: "not run: the user lacks \(missing)", file: scenario.file)
                item.policy = policy(for: scenario)
                items.append(item)
            }
        }
        return ScenariosToday(items: items, liveTests: liveTests)
    }

    private func policy(for scenario: Scenario) -> ItemPolicy {
        loaded.checklist.scenarios.first { $0.file == scenario.file }?.policy ?? ItemPolicy()
    }

    /// One test's result as an item. A skipped test checked nothing: it fails unless the
    /// checklist allows it by name, with a reason, and then it is an unknown that warns.
    func scenarioItem(_ result: TestResult, scenario: Scenario, policy: ItemPolicy) -> GateItem {
        let name = "\(scenario.file)::\(result.name)"
        var item: GateItem
        switch result.outcome {
        case .passed:
            item = GateItem(section: .scenarios, name: name, outcome: .passed, reason: scenario.mode == .live ? "held on \(database)" : "passed in a sandbox", file: scenario.file)
        case .failed(let problem):
            item = GateItem(section: .scenarios, name: name, outcome: .failed, reason: problem.message, file: scenario.file)
            item.details = problem.details
        case .errored(let problem):
            let refused = problem.message.range(of: #"\(code 13[ )]"#, options: .regularExpression) != nil
            item = GateItem(section: .scenarios, name: name, outcome: refused ? .unknown : .failed, reason: problem.message, file: scenario.file)
            item.details = problem.details
        case .skipped(let why):
            if let allowed = loaded.checklist.allowSkipped[ChecklistPaths.testKey(scenario.file, result.name)] {
                item = GateItem(section: .scenarios, name: name, outcome: .unknown, reason: "skipped (\(why))", file: scenario.file)
                item.policy = policy
                item.policy.unknownWarns = true
                item.policy.reason = "the checklist allows it: \(allowed)"
                item.duration = result.duration
                return item
            }
            item = GateItem(
                section: .scenarios, name: name, outcome: .failed,
                reason: "skipped (\(why)): a skipped test checked nothing; allow it in \"allowSkipped\" by name, with a reason, if it may be", file: scenario.file)
        }
        item.policy = policy
        item.duration = result.duration
        // A passing test's log is never made: it is read only for the items that show it.
        if item.outcome != .passed && !result.output.isEmpty { item.details += (item.details.isEmpty ? "" : "\n\n") + result.output }
        return item
    }
}
