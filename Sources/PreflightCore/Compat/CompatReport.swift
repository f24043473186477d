import Foundation
import Mongo

/// What a compat scan found: per field and per reachability rule, counts and samples.
public struct CompatReport: Sendable {
    public let spec: CompatSpec
    /// The database that was read (a sandbox's name, for a `compat` step).
    public let database: String
    /// Documents in scope.
    public let documents: Int
    /// In the spec's order.
    public let fields: [CompatFieldResult]
    /// In the spec's order.
    public let reachability: [CompatReachabilityResult]

    public init(spec: CompatSpec, database: String, documents: Int, fields: [CompatFieldResult], reachability: [CompatReachabilityResult]) {
        self.spec = spec
        self.database = database
        self.documents = documents
        self.fields = fields
        self.reachability = reachability
    }

    public var passed: Bool { failedChecks == 0 }

    /// Nothing was checked: no document in scope, and the spec does not say why that is
    /// fine. Every field and rule passes vacuously then, so the scan as a whole fails.
    public var checkedNothing: Bool { documents == 0 && spec.allowEmpty == nil }

    /// Fields and rules that failed, and the empty scope when it counts as a failure.
    public var failedChecks: Int {
        fields.filter { !$0.passed }.count + reachability.filter { !$0.passed }.count + (checkedNothing ? 1 : 0)
    }

    /// The empty scope's failure, one line.
    public var emptyScopeMessage: String {
        "nothing was checked: \(database).\(spec.collection) holds no document"
            + (spec.scope == nil ? "" : " within the scope")
            + "; every check over zero documents would pass. If it may be empty, say why with \"allowEmpty\": \"…\""
    }

    /// One line: `orders carry the Phase 0.7 billing fields: 2 of 7 checks failed: billed:
    /// 3 documents with a wrong type (string ×2, int ×1); …`, or that all passed.
    public var summary: String {
        let checks = spec.checkCount
        guard !passed else {
            return "\(spec.name): all \(checks) check\(checks == 1 ? "" : "s") passed on \(CompatText.documents(documents)) in \(database).\(spec.collection)"
        }
        if checkedNothing { return "\(spec.name): \(emptyScopeMessage)" }
        let failures = fields.filter { !$0.passed }.map(\.shortProblem) + reachability.filter { !$0.passed }.map(\.shortProblem)
        return "\(spec.name): \(failedChecks) of \(checks) check\(checks == 1 ? "" : "s") failed: " + failures.joined(separator: "; ")
    }

    /// Every check's counts, a line each: what the JUnit suite's `<system-out>` holds, so
    /// passing checks show their figures too.
    public var countLines: [String] {
        fields.map(\.countLine) + reachability.map(\.countLine)
    }
}
