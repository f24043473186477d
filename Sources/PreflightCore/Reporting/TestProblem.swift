import Foundation

/// A failure or an error: a one-line message and the details under it.
public struct TestProblem: Sendable, Equatable {
    /// `mismatch`, `expectedError`, `serverError`, `networkError`, …
    public var type: String
    /// One line: which step, what went wrong.
    public var message: String
    /// The body: the step, the path, expected and actual values.
    public var details: String

    public init(type: String, message: String, details: String = "") {
        self.type = type
        self.message = message
        self.details = details
    }
}
