import Foundation
import PreflightCore

/// The gate's reports on the ways it ends without a verdict of its own (invalid input,
/// usage, no server): JUnit as for every command, and the evidence and summary in the
/// gate's own formats, NO-GO, saying why — never a report of another kind, never the
/// last run's.
struct GateReportTarget: ReportWriting {
    let target: ReportTarget
    let checklist: String

    init(_ options: ReportOptions, checklist: String, started: Date) {
        target = ReportTarget(options, started: started)
        self.checklist = checklist
    }

    var paths: [(kind: String, path: String)] {
        target.paths.map { ($0.kind == "JSON report" ? "JSON evidence" : $0.kind, $0.path) }
    }

    func checkWritable() throws { try target.checkWritable() }

    /// Writes every report for a gate that checked nothing; one that cannot be written is said.
    func write(_ suites: [SuiteResult]) {
        var problems: [String] = []
        do { try JUnitReport(suites: suites, extended: target.extended).write(to: target.junit) } catch {
            problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        let reasons = suites.flatMap(\.tests).compactMap { test -> String? in
            switch test.outcome {
            case .failed(let problem), .errored(let problem): problem.message
            default: nil
            }
        }
        if let json = target.json {
            do { try GateEvidence.writeNotChecked(checklist: checklist, reasons: reasons, to: json) } catch {
                problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        if let summary = target.summary {
            do { try GateSummary.writeNotChecked(checklist: checklist, reasons: reasons, to: summary) } catch {
                problems.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        for problem in problems { Console.standardError("A report could not be written either: " + problem) }
    }
}
