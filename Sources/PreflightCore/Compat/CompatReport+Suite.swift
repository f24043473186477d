import Foundation
import Mongo

extension CompatReport {
    /// The report as one JUnit `<testsuite>`: named after the spec, its classname from the
    /// spec's file; a test case per field and per reachability rule, failures carrying the
    /// counts and samples, every check's counts in `<system-out>` and in each test's
    /// `figures` for the JSON report. Secrets are redacted as in a scenario's results.
    public func suiteResult(timestamp: Date, duration: TimeInterval) -> SuiteResult {
        var tests: [TestResult] = []
        if documents == 0 {
            // A test case of its own, so the reason for the failure (or the reason it is
            // allowed) is the first thing CI shows.
            let line = CompatText.line("read", "0 documents in \(database).\(spec.collection)")
            tests.append(SuiteRunner.redacted(TestResult(
                name: "the scope holds documents", outcome: checkedNothing
                    ? .failed(TestProblem(type: "compat", message: emptyScopeMessage, details: readLines.joined(separator: "\n")))
                    : .passed, output: checkedNothing ? "" : line + "\nallowed empty: " + (spec.allowEmpty ?? ""),
                figures: [("documents", 0)])))
        }
        for field in fields {
            tests.append(test(field.field.path, line: field.field.line, duration: field.duration, passed: field.passed,
                              message: field.message, details: field.details(self), countLine: field.countLine, figures: field.figures))
        }
        for rule in reachability {
            if let error = rule.error {
                tests.append(SuiteRunner.redacted(TestResult(
                    name: rule.rule.name, line: rule.rule.line, outcome: .errored(TestProblem(type: "serverError", message: error)))))
                continue
            }
            tests.append(test(rule.rule.name, line: rule.rule.line, duration: rule.duration, passed: rule.passed,
                              message: rule.message, details: rule.details(self), countLine: rule.countLine, figures: rule.figures))
        }
        return SuiteResult(
            name: spec.name, file: spec.file, classname: SuiteResult.classname(forFile: spec.file), timestamp: timestamp,
            duration: duration, properties: Self.properties(spec, database: database), tests: tests,
            systemOut: Redaction.redactText((readLines + countLines).joined(separator: "\n") + "\n"))
    }

    /// The spec's suite when it could not be scanned: every check errored with `problem`,
    /// so CI shows which spec and why.
    public static func erroredSuite(
        _ spec: CompatSpec, database: String?, problem: TestProblem, timestamp: Date, duration: TimeInterval
    ) -> SuiteResult {
        let names = spec.fields.map { ($0.path, $0.line) } + spec.reachability.map { ($0.name, $0.line) }
        return SuiteResult(
            name: spec.name, file: spec.file, classname: SuiteResult.classname(forFile: spec.file), timestamp: timestamp,
            duration: duration, properties: properties(spec, database: database),
            tests: names.map { SuiteRunner.redacted(TestResult(name: $0.0, line: $0.1, outcome: .errored(problem))) })
    }

    /// Each failed check's one-line message and body, for a failure that stands for the
    /// whole spec (a scenario's `compat` step).
    public var failureDetails: String {
        let empty = checkedNothing ? [emptyScopeMessage + "\n" + readLines.joined(separator: "\n")] : []
        let fieldFailures = empty + fields.filter { !$0.passed }.map { $0.message + "\n" + $0.details(self) }
        let ruleFailures = reachability.filter { !$0.passed }.map { $0.message + "\n" + $0.details(self) }
        return (fieldFailures + ruleFailures).joined(separator: "\n\n")
    }

    /// What was read: `read:       120 documents in earlybird.orders`, and the scope.
    var readLines: [String] {
        var lines = [CompatText.line("read", "\(CompatText.documents(documents)) in \(database).\(spec.collection)" + (spec.scope == nil ? "" : " within the scope"))]
        if let scope = spec.scope { lines.append(CompatText.line("scope", Failures.clip(Redaction.redact(.document(scope)).extendedJSON(.relaxed)))) }
        return lines
    }

    private func test(
        _ name: String, line: Int?, duration: TimeInterval, passed: Bool, message: String, details: String, countLine: String,
        figures: [(name: String, value: Int)]
    ) -> TestResult {
        let outcome: TestResult.Outcome = passed ? .passed : .failed(TestProblem(type: "compat", message: message, details: details))
        // A failure's body has the counts already; a passing check shows them in `--verbose`.
        return SuiteRunner.redacted(TestResult(
            name: name, line: line, duration: duration, outcome: outcome, output: passed ? countLine : "", figures: figures))
    }

    private static func properties(_ spec: CompatSpec, database: String?) -> [(name: String, value: String)] {
        var properties: [(name: String, value: String)] = [("preflight.version", PreflightVersion.current)]
        if let database { properties.append(("compat.database", database)) }
        properties.append(("compat.collection", spec.collection))
        if let scope = spec.scope { properties.append(("compat.scope", Redaction.redact(.document(scope)).extendedJSON(.relaxed))) }
        properties.append(("compat.samples", String(spec.samples)))
        return properties
    }
}
