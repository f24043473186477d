import ArgumentParser
import Foundation
import Mongo
import PreflightCore

/// Where the JUnit report goes, for the paths that end a run early: invalid input, the
/// environment, Ctrl-C. DESIGN §9: the report is always written.
struct ReportTarget: Sendable {
    let path: String
    let extended: Bool

    /// Writes what is known; a failure to write is said, not thrown: the run is ending
    /// with an exit code of its own already.
    func write(_ suites: [SuiteResult]) {
        do {
            try JUnitReport(suites: suites, extended: extended).write(to: path)
        } catch {
            Console.standardError("The JUnit report could not be written either: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
        }
    }
}
