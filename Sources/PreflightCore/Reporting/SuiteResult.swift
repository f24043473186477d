import Foundation

/// What one scenario file (or compat spec, migration, gate section) produced: one JUnit
/// `<testsuite>`.
public struct SuiteResult: Sendable {
    /// The scenario's `name`.
    public var name: String
    /// The file as the user named it, relative to the working directory when possible.
    public var file: String
    /// The file's path without extension, dots for slashes: JUnit's `classname`.
    public var classname: String
    /// When the suite started.
    public var timestamp: Date
    /// Seconds the suite took.
    public var duration: TimeInterval
    /// Server version, topology, redacted URI, Preflight version, variables.
    public var properties: [(name: String, value: String)]
    public var tests: [TestResult]
    /// The suite's log: commands sent in verbose mode, notes.
    public var systemOut: String
    /// Errors outside any one test (a sandbox that could not be dropped, …).
    public var systemErr: String

    public init(
        name: String, file: String, classname: String, timestamp: Date, duration: TimeInterval = 0,
        properties: [(name: String, value: String)] = [], tests: [TestResult] = [], systemOut: String = "",
        systemErr: String = ""
    ) {
        self.name = name
        self.file = file
        self.classname = classname
        self.timestamp = timestamp
        self.duration = duration
        self.properties = properties
        self.tests = tests
        self.systemOut = systemOut
        self.systemErr = systemErr
    }

    public var failures: Int { tests.filter { if case .failed = $0.outcome { true } else { false } }.count }
    public var errors: Int { tests.filter { if case .errored = $0.outcome { true } else { false } }.count }
    public var skipped: Int { tests.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    public var passed: Int { tests.filter { if case .passed = $0.outcome { true } else { false } }.count }

    /// The `classname` JUnit wants for a file: `scenarios/earlybird/billing.json` →
    /// `scenarios.earlybird.billing`.
    public static func classname(forFile file: String) -> String {
        var path = file
        while path.hasPrefix("./") { path.removeFirst(2) }
        if let dot = path.lastIndex(of: "."), !path[dot...].contains("/") { path = String(path[..<dot]) }
        return path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: ".")
    }
}
