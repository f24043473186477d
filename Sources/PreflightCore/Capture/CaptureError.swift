import Foundation

/// Why a capture wrote nothing. Each case knows its exit code; none of the messages
/// quotes a value that was to be redacted.
public enum CaptureError: Error, LocalizedError, Equatable {
    /// A command-line argument is wrong: exit 64. Found before connecting, except a
    /// --redact path that matches no value, which only the documents can tell.
    case usage(String)
    /// The output exists and --force was not given: exit 64.
    case outputExists(path: String)
    /// The filter selects no document: exit 2.
    case nothingToCapture(database: String, collection: String, filter: String)
    /// More documents than a capture holds: exit 2.
    case tooMany(limit: Int, reachedIn: String)
    /// What was read cannot become a scenario that replays it, or would reveal a redacted
    /// value: exit 2.
    case cannotReplay(String)
    /// The server refused a read (a filter it cannot run, a missing permission): exit 2.
    case serverRefused(query: String, message: String)
    /// The server cannot be reached: exit 3.
    case unreachable(uri: String, message: String)
    /// The scenario file cannot be written: exit 3.
    case cannotWrite(path: String, reason: String)

    /// The most documents one capture holds: a scenario loads every fixture before every
    /// test, and an incident is reproduced with a handful of documents, not a dump.
    public static let documentCap = 10_000

    public var exitCode: PreflightExitCode {
        switch self {
        case .usage, .outputExists: .usage
        case .nothingToCapture, .tooMany, .cannotReplay, .serverRefused: .invalidInput
        case .unreachable, .cannotWrite: .environment
        }
    }

    public var errorDescription: String? {
        switch self {
        case .usage(let message):
            return message
        case .outputExists(let path):
            return "\(path) exists already; nothing was captured. Pass --force to replace it, or choose another --output."
        case .nothingToCapture(let database, let collection, let filter):
            return "Nothing to capture: no document in \(database).\(collection) matches the filter \(filter). No file was written."
        case .tooMany(let limit, let reachedIn):
            return """
                The capture would hold more than \(limit.grouped) documents (passed while \(reachedIn)); \
                nothing was written. Narrow --filter, lower --limit, or follow fewer references.
                """
        case .cannotReplay(let message):
            return message + " Nothing was written."
        case .serverRefused(let query, let message):
            return "The server refused \(query): \(message). Nothing was written."
        case .unreachable(let uri, let message):
            return "Cannot reach the server at \(uri): \(message)"
        case .cannotWrite(let path, let reason):
            return "Cannot write the scenario to \(path): \(reason)."
        }
    }
}
