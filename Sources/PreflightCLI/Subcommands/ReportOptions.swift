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

    @Flag(name: .shortAndLong, help: "Print only failures and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every test's steps and the commands it sent (credentials redacted).")
    var verbose = false

    @Flag(help: "No colour in the console report (also when NO_COLOR is set, or output is not a terminal).")
    var noColor = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }

    var verbosity: ConsoleReport.Verbosity { quiet ? .quiet : (verbose ? .verbose : .normal) }
}
