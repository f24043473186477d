import ArgumentParser
import Foundation
import Mongo
import PreflightCore

/// The reports a run writes — JUnit always, JSON and Markdown when asked — all from the
/// same results, on every way a run ends: normally, on invalid input, on the environment,
/// on Ctrl-C. the README, “Running (reports)”: the reports are always written.
struct ReportTarget: Sendable {
    let junit: String
    let extended: Bool
    let json: String?
    let summary: String?
    /// When the run started, for the JSON report's `startedAt` and the run's duration.
    let started: Date
    let verbosity: ConsoleReport.Verbosity

    init(_ options: ReportOptions, started: Date) {
        junit = options.junit
        extended = options.junitExtended
        json = options.json
        summary = options.summary
        verbosity = options.verbosity
        self.started = started
    }

    /// The paths to write, each with its kind, as the console names them.
    var paths: [(kind: String, path: String)] {
        [("JUnit report", junit)] + [json.map { ("JSON report", $0) }, summary.map { ("Markdown summary", $0) }].compactMap { $0 }
    }

    /// Checks, before the run, that every requested report can be written.
    /// - Throws: the first report's error that names its path and the reason.
    func checkWritable() throws {
        try JUnitReport.checkWritable(junit)
        if let json { try JSONReport.checkWritable(json) }
        if let summary { try MarkdownSummary.checkWritable(summary) }
    }

    /// Writes every requested report; one that cannot be written does not stop the others.
    /// - Returns: why each report that could not be written was not, a sentence each.
    func writeAll(_ suites: [SuiteResult]) -> [String] {
        let duration = Date().timeIntervalSince(started)
        var problems: [String] = []
        func attempt(_ write: () throws -> Void) {
            do {
                try write()
            } catch {
                problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        attempt { try JUnitReport(suites: suites, extended: extended).write(to: junit) }
        if let json { attempt { try JSONReport(suites: suites, startedAt: started, duration: duration).write(to: json) } }
        if let summary { attempt { try MarkdownSummary(suites: suites, duration: duration).write(to: summary) } }
        return problems
    }

    /// The end of a command that ran: every report written and, unless quiet, named; the
    /// console's summary last.
    /// - Throws: exit 3 when a report could not be written; every missing one is named and
    ///   the last ends the command.
    func finish(_ suites: [SuiteResult], console: ConsoleReport) throws {
        let unwritten = writeAll(suites)
        if let last = unwritten.last {
            console.summary(suites, duration: Date().timeIntervalSince(started))
            for problem in unwritten.dropLast() { Console.standardError("Error: " + problem) }
            throw CommandFailure.exit(last, .environment)
        }
        if verbosity != .quiet {
            for (kind, path) in paths { ConsoleReport.standardOutput("\(kind): \(path)") }
        }
        console.summary(suites, duration: Date().timeIntervalSince(started))
    }

    /// For the paths that end a run early: a report that cannot be written is said, not
    /// thrown, since the run is ending with an exit code of its own already.
    func write(_ suites: [SuiteResult]) {
        for problem in writeAll(suites) { Console.standardError("A report could not be written either: " + problem) }
    }
}

/// Writes a command's reports on a path that ends it early (Ctrl-C): each command in its
/// own formats.
protocol ReportWriting: Sendable {
    func write(_ suites: [SuiteResult])
}

extension ReportTarget: ReportWriting {}
