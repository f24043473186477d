import Foundation

/// Every problem found in a compat spec; nothing was read from a server.
public struct CompatLoadError: Error, Sendable, LocalizedError {
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) {
        self.errors = errors
    }

    public var errorDescription: String? {
        errors.map(\.description).joined(separator: "\n")
    }
}
