import Foundation

/// Why the JSON report or the Markdown summary could not be written. (The JUnit report
/// keeps its own `JUnitReportError`.)
public enum ReportFileError: Error, LocalizedError, Equatable {
    /// The file, its directory or the temporary file beside it could not be made.
    /// - `report`: what it is, as a sentence names it: `JSON report`, `Markdown summary`.
    /// - `reason`: the system's own words (`strerror`).
    case cannotWrite(report: String, path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .cannotWrite(let report, let path, let reason):
            return "Cannot write the \(report) to \(path): \(reason)."
        }
    }
}
