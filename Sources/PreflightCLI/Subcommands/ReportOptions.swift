import ArgumentParser
import Foundation
import Mongo
import PreflightCore

/// Where and how results are reported.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where to write the JUnit XML report (written atomically, every run).", valueName: "path"))
    var junit: String = "reports/junit.xml"

    @Flag(help: "Add file and line to test cases and each test's own output (GitLab, CircleCI and GitHub annotations read them; outside the two strict JUnit schemas).")
    var junitExtended = false

    @Option(help: ArgumentHelp(
        "Also write a JSON report here: every suite, test and top-level step with its timing, outcome and failure, and each test's commands (format 1, described in the README). For gate: the evidence bundle, with the verdict.",
        valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp(
        "Also write a Markdown summary here: the verdict, a table row per file (for gate: per section) and the failures, for a CI step summary such as $GITHUB_STEP_SUMMARY (the file is replaced).",
        valueName: "path"))
    var summary: String?

    @Flag(name: .shortAndLong, help: "Print only failures and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every test's steps, the commands it sent and what the server answered to each (clipped; credentials redacted).")
    var verbose = false

    @Flag(help: "No colour in the console report (also when NO_COLOR is set, or output is not a terminal).")
    var noColor = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
        // One report would silently overwrite the other.
        let paths = [("--junit", junit), ("--json", json), ("--summary", summary)].compactMap { option, path in
            path.map { (option, URL(fileURLWithPath: $0).standardizedFileURL.path) }
        }
        for (index, first) in paths.enumerated() {
            if let second = paths[(index + 1)...].first(where: { $0.1 == first.1 }) {
                throw ValidationError("\(first.0) and \(second.0) name the same file, \(first.1); each report needs a file of its own.")
            }
        }
    }

    var verbosity: ConsoleReport.Verbosity { quiet ? .quiet : (verbose ? .verbose : .normal) }

    /// The console report these options ask for.
    /// - Parameter progress: whether a running test is shown on the progress line.
    func console(progress: Bool = true) -> ConsoleReport {
        ConsoleReport(verbosity: verbosity, color: ConsoleReport.wantsColor(noColorFlag: noColor), progress: progress ? progressLine() : nil)
    }

    /// The progress line: drawn on a terminal that can take it, never with --quiet.
    func progressLine() -> ProgressLine {
        ProgressLine(enabled: ProgressLine.wanted(quiet: quiet), color: ConsoleReport.wantsColor(noColorFlag: noColor))
    }
}
