import Foundation

extension GateResult {
    /// The JUnit suites: one per section. A blocking failure is a `<failure>`, a blocking
    /// unknown an `<error type="unknown">`; what does not block (a warning, an unknown
    /// allowed to warn) is `<skipped>` with the reason it does not, so CI shows it without
    /// going red; a failure fixed by the pending migrations passes, its story in the
    /// suite's output.
    public var suites: [SuiteResult] {
        GateItem.Section.allCases.compactMap { section -> SuiteResult? in
            let items = items(in: section)
            guard !items.isEmpty || section == .server else { return nil }
            var suite = SuiteResult(
                name: "gate \(section.rawValue): \(checklist.name)", file: checklist.file,
                classname: SuiteResult.classname(forFile: checklist.file) + "." + section.rawValue, timestamp: startedAt,
                duration: items.reduce(0) { $0 + $1.duration })
            suite.properties = [
                ("server.version", facts.version), ("server.topology", facts.topology.rawValue), ("server.uri", redactedURI),
                ("preflight.version", PreflightVersion.current), ("gate.database", database),
                ("gate.against", onScratch ? "scratch snapshot" : "live server"),
            ]
            suite.tests = items.map(\.testResult)
            suite.systemOut = Redaction.redactText(items.map { "\(Self.mark($0)) \($0.name): \($0.reason)" + ($0.fixedBy.map { " — fixed by \($0)" } ?? "") }
                .joined(separator: "\n") + "\n")
            return suite
        }
    }

    /// ✓ passed, ✗ blocks, ⚠ reported without blocking, ↻ fixed by the pending migrations.
    static func mark(_ item: GateItem) -> String {
        if item.fixedBy != nil { return "↻" }
        if item.outcome == .passed { return "✓" }
        if !item.blocks { return "⚠" }
        return item.outcome == .unknown ? "?" : "✗"
    }
}

extension GateItem {
    var testResult: TestResult {
        let outcome: TestResult.Outcome
        if fixedBy != nil || self.outcome == .passed {
            outcome = .passed
        } else if !blocks {
            outcome = .skipped(reason: "\(self.outcome == .unknown ? "unknown" : "failed"), does not block (\(policy.reason ?? "")): \(reason)")
        } else if self.outcome == .unknown {
            outcome = .errored(TestProblem(type: "unknown", message: "could not be checked: \(reason)", details: details))
        } else {
            outcome = .failed(TestProblem(type: "gate", message: reason, details: details))
        }
        let output = fixedBy.map { "failed today: \(reason)\nfixed by \($0)\n\(details)" } ?? details
        return SuiteRunner.redacted(TestResult(name: name, duration: duration, outcome: outcome, output: output, figures: figures))
    }
}
