import Foundation

extension JUnitReport {
    /// Writes the report to `path` atomically (see `ReportFile`), creating missing
    /// directories: the path holds the previous file or the whole new one.
    /// - Throws: `JUnitReportError.cannotWrite` with `path` and the system's reason; the
    ///   target is left as it was.
    public func write(to path: String) throws {
        do {
            try ReportFile.write(xml(), to: path)
        } catch {
            throw JUnitReportError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Checks, before a run, that the report can be written at `path`, without touching
    /// what is there.
    /// - Throws: `JUnitReportError.cannotWrite` naming the path and the reason.
    public static func checkWritable(_ path: String) throws {
        do {
            try ReportFile.checkWritable(path)
        } catch {
            throw JUnitReportError.cannotWrite(path: path, reason: error.reason)
        }
    }
}
