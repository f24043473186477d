import Foundation

extension JSONReport {
    /// Writes the report to `path` atomically (see `ReportFile`), creating missing
    /// directories: the path holds the previous file or the whole new one.
    /// - Throws: `ReportFileError.cannotWrite` with `path` and the system's reason.
    public func write(to path: String) throws {
        do {
            try ReportFile.write(json(), to: path)
        } catch {
            throw ReportFileError.cannotWrite(report: "JSON report", path: path, reason: error.reason)
        }
    }

    /// Checks, before a run, that the report can be written at `path`, without touching
    /// what is there.
    /// - Throws: `ReportFileError.cannotWrite` naming the path and the reason.
    public static func checkWritable(_ path: String) throws {
        do {
            try ReportFile.checkWritable(path)
        } catch {
            throw ReportFileError.cannotWrite(report: "JSON report", path: path, reason: error.reason)
        }
    }
}
