import Foundation

/// Why a scratch server could not be had. Each is an environment failure: exit code 3.
public enum ScratchError: Error, LocalizedError, Equatable {
    case notFound(wanted: String, searched: String)
    case couldNotStart(commandLine: String, reason: String)
    case exited(commandLine: String, status: Int32, elapsed: Double, logTail: [String])
    case timedOut(commandLine: String, waitingFor: String, elapsed: Double, logTail: [String])

    public var errorDescription: String? {
        switch self {
        case .notFound(let wanted, let searched):
            return """
                No scratch server could be found: looked for \(wanted) in \(searched). \
                Run `make setup` to install SecantusDB into .venv/, put mongod on PATH, \
                or pass --uri to use a server you already have.
                """
        case .couldNotStart(let commandLine, let reason):
            return "The scratch server could not be started (\(reason)).\nCommand: \(commandLine)"
        case .exited(let commandLine, let status, let elapsed, let logTail):
            return """
                The scratch server exited with status \(status) after \(String(format: "%.1f", elapsed)) s, \
                before it was ready.
                Command: \(commandLine)
                \(Self.describe(logTail))
                """
        case .timedOut(let commandLine, let waitingFor, let elapsed, let logTail):
            return """
                The scratch server was not ready after \(String(format: "%.1f", elapsed)) s \
                (waiting for \(waitingFor)); it has been stopped.
                Command: \(commandLine)
                \(Self.describe(logTail))
                """
        }
    }

    private static func describe(_ logTail: [String]) -> String {
        logTail.isEmpty
            ? "Its log is empty."
            : "The last \(logTail.count) lines of its log:\n" + logTail.map { "  " + $0 }.joined(separator: "\n")
    }
}
