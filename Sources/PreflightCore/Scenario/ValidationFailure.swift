import Foundation

/// Every problem found in the input files; nothing was run.
public struct ValidationFailure: Error, Sendable, LocalizedError {
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) {
        self.errors = errors
    }

    public var errorDescription: String? {
        errors.map(\.description).joined(separator: "\n")
    }
}
