import Foundation

extension MarkdownSummary {
    /// Writes the summary to `path` atomically (see `ReportFile`), creating missing
    /// directories. It replaces the file: with `$GITHUB_STEP_SUMMARY`, what earlier
    /// commands of the same CI step wrote there is gone.
    /// - Throws: `ReportFileError.cannotWrite` with `path` and the system's reason.
    public func write(to path: String) throws {
        do {
            try ReportFile.write(markdown(), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "Markdown summary", path: path, reason: error.reason)
        }
    }

    /// Checks, before a run, that the summary can be written at `path`, without touching
    /// what is there.
    /// - Throws: `ReportFileError.cannotWrite` naming the path and the reason.
    public static func checkWritable(_ path: String) throws {
        do {
            try ReportFile.checkWritable(path)
        } catch {
            throw ReportFileError.cannotWrite(report: "Markdown summary", path: path, reason: error.reason)
        }
    }
}
