import Foundation

/// Why the JUnit report could not be written.
public enum JUnitReportError: Error, LocalizedError, Equatable {
    /// The file, its directory or the temporary file beside it could not be made;
    /// `reason` is the system's own words (`strerror`).
    case cannotWrite(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .cannotWrite(let path, let reason):
            return "Cannot write the JUnit report to \(path): \(reason)."
        }
    }
}
