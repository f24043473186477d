import Foundation
import Mongo

/// Why a compat scan has no report: the server refused to read, could not be reached, or
/// refused one of the spec's patterns.
public enum CompatScanError: Error, Sendable, LocalizedError {
    /// A read failed; `reading` says which, in words (`counting the fields of earlybird.orders`).
    case readFailed(reading: String, error: MongoError)
    /// The server's regular expression engine refuses a field's pattern, which compiled
    /// here: the spec is invalid for this server. Located like a load-time problem.
    case patternRefused(ValidationError)

    /// The server could not be reached at all (no server selected): nothing was read.
    public var isUnreachable: Bool {
        if case .readFailed(_, let error) = self { return error.kind == .serverSelection }
        return false
    }

    public var errorDescription: String? {
        switch self {
        case .readFailed(let reading, let error): "The server failed while \(reading): \(error)"
        case .patternRefused(let problem): problem.description
        }
    }
}
