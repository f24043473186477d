import Foundation

/// The JSON report (`--json`, the README, “Running (reports)”): every suite, test, step, timing and failure,
/// for tools that want more than JUnit XML holds.
///
/// Format 1, key by key in the order written. Within a format no key is removed or
/// changes meaning; keys may be added, so readers ignore keys they do not know.
///
///     {
///       "preflight": {"version": "0.1.0", "format": 1},
///       "startedAt": "2026-01-27T20:00:00Z",     (UTC)
///       "duration": 12.345,                       (seconds, three decimals, everywhere)
///       "summary": {"suites": 2, "tests": 9, "passed": 7, "failed": 1, "errored": 0,
///                   "skipped": 1, "outcome": "fail"},   ("pass": nothing failed or errored)
///       "suites": [{
///         "name", "file", "classname", "timestamp" (UTC), "duration",
///         "properties": {"server.version": "7.0.2", "var.month": "\"2026-01\"", …},
///         "systemOut", "systemErr",
///         "tests": [{
///           "name", "line" (null when unknown), "duration",
///           "outcome": "passed" | "failed" | "errored" | "skipped",
///           "failure" (failed only) or "error" (errored only): {"type", "message", "details"},
///           "skipReason" (skipped only),
///           "figures" (only for tests that measure counts, such as a compat spec's
///                      fields and rules): {"documents": 120, "missing": 3, "wrongType": 2,
///                      "wrongType.string": 2, …}, integers, in the order measured,
///           "steps": [{"title", "kind", "label" (null when none), "iteration", "duration",
///                      "outcome": "passed" | "failed" | "errored", "message" (not when passed)}],
///           "stepsNotRecorded": 0,
///           "output": "• tests[0].steps[0]: find orders\n→ pf_…find {…}\n← find ok (0.4 ms)"
///         }]
///       }]
///     }
///
/// `steps` holds the test's own steps, per iteration of a repeated test, up to 1,000;
/// `stepsNotRecorded` counts the rest. A failure's `message` is one line; its `details`
/// are the body (step, path, expected and actual values), and the commands the test sent
/// are in `output`, not repeated in `details`. Long text keeps its head and tail.
///
/// The report writes the text it is given: secrets are redacted where results are made.
public struct JSONReport: Sendable {
    /// The document's `format`: raised only when a key is removed or changes meaning.
    public static let format = 1

    public var suites: [SuiteResult]
    /// When the run started.
    public var startedAt: Date
    /// Seconds the run took.
    public var duration: TimeInterval

    public init(suites: [SuiteResult], startedAt: Date, duration: TimeInterval) {
        self.suites = suites
        self.startedAt = startedAt
        self.duration = duration
    }

    /// The whole document, ending with a newline.
    public func json() -> String {
        let tests = suites.flatMap(\.tests)
        let failed = suites.reduce(0) { $0 + $1.failures }
        let errored = suites.reduce(0) { $0 + $1.errors }
        let document: JSONValue = .object([
            ("preflight", .object([("version", .string(PreflightVersion.current)), ("format", .integer(Self.format))])),
            ("startedAt", .string(Self.timestamp(startedAt))),
            ("duration", Self.seconds(duration)),
            ("summary", .object([
                ("suites", .integer(suites.count)), ("tests", .integer(tests.count)),
                ("passed", .integer(suites.reduce(0) { $0 + $1.passed })), ("failed", .integer(failed)),
                ("errored", .integer(errored)), ("skipped", .integer(suites.reduce(0) { $0 + $1.skipped })),
                ("outcome", .string(failed + errored > 0 ? "fail" : "pass")),
            ])),
            ("suites", .array(suites.map(Self.suite))),
        ])
        return document.text() + "\n"
    }

    private static func suite(_ suite: SuiteResult) -> JSONValue {
        .object([
            ("name", .string(suite.name)), ("file", .string(suite.file)), ("classname", .string(suite.classname)),
            ("timestamp", .string(timestamp(suite.timestamp))), ("duration", seconds(suite.duration)),
            ("properties", .object(suite.properties.map { ($0.name, .string($0.value)) })),
            ("systemOut", .string(suite.systemOut.headAndTail())), ("systemErr", .string(suite.systemErr.headAndTail())),
            ("tests", .array(suite.tests.map(test))),
        ])
    }

    private static func test(_ test: TestResult) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(test.name)), ("line", test.line.map(JSONValue.integer) ?? .null),
            ("duration", seconds(test.duration)),
        ]
        switch test.outcome {
        case .passed:
            members.append(("outcome", .string("passed")))
        case .failed(let problem):
            members += [("outcome", .string("failed")), ("failure", self.problem(problem))]
        case .errored(let problem):
            members += [("outcome", .string("errored")), ("error", self.problem(problem))]
        case .skipped(let reason):
            members += [("outcome", .string("skipped")), ("skipReason", .string(reason))]
        }
        if !test.figures.isEmpty {
            members.append(("figures", .object(test.figures.map { ($0.name, .integer($0.value)) })))
        }
        members += [
            ("steps", .array(test.steps.map(step))), ("stepsNotRecorded", .integer(test.stepsNotRecorded)),
            ("output", .string(test.output.headAndTail())),
        ]
        return .object(members)
    }

    private static func problem(_ problem: TestProblem) -> JSONValue {
        // The runner appends the test's log to a failure's details for JUnit, which has
        // nowhere else for it; here it is the test's `output`, so it is not said twice.
        let details = problem.details.components(separatedBy: SuiteRunner.logHeading).first ?? ""
        return .object([
            ("type", .string(problem.type)), ("message", .string(problem.message)),
            ("details", .string(details.headAndTail())),
        ])
    }

    private static func step(_ step: StepRecord) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("title", .string(step.title)), ("kind", .string(step.kind)), ("label", .string(step.label)),
            ("iteration", .integer(step.iteration)), ("duration", seconds(step.duration)),
            ("outcome", .string(step.outcome.rawValue)),
        ]
        if step.outcome != .passed { members.append(("message", .string(step.message ?? ""))) }
        return .object(members)
    }

    /// Seconds with three decimals, as in the JUnit report: never an exponent, a comma or
    /// a negative time.
    private static func seconds(_ duration: TimeInterval) -> JSONValue {
        .number(JUnitReport.seconds(duration))
    }

    /// ISO 8601 in UTC to the second (`2026-01-27T20:00:00Z`): the JUnit report's
    /// timestamp, which has no zone, with the zone said.
    private static func timestamp(_ date: Date) -> String {
        JUnitReport.timestamp(date) + "Z"
    }
}
