import Mongo

/// Check (d): the migration's compat spec (the README, “Compat specs”) passes on the sandbox after `up`.
enum MigrationCompatCheck {
    /// What a compat scan concluded.
    struct CompatVerdict {
        var passed: Bool
        var summary: String
    }

    /// Runs the spec in `file` against `database`, read-only.
    /// - Throws: `CompatLoadError` (the loader validated the spec already, so only when the
    ///   file changed since), or the scan's errors.
    static func scan(_ file: String, database: String, client: MongoClient) throws -> CompatVerdict {
        let spec = try CompatLoader.load(file: file)
        let report = try CompatScan.run(spec, database: database, client: client)
        let details = report.passed ? report.countLines.joined(separator: "\n") : report.summary + "\n\n" + report.failureDetails
        return CompatVerdict(passed: report.passed, summary: details)
    }

    /// The check's outcome for `migration` on `database`, and what to show under it.
    static func outcome(for migration: Migration, database: String, client: MongoClient) -> (TestResult.Outcome, String) {
        guard let file = migration.compat else {
            return (.skipped(reason: "no compat spec named"), "")
        }
        do {
            let verdict = try scan(file, database: database, client: client)
            if verdict.passed { return (.passed, verdict.summary) }
            return (.failed(TestProblem(type: "compat", message: "\(file): \(verdict.summary.split(separator: "\n").first ?? "")", details: verdict.summary)), verdict.summary)
        } catch let error as MongoError {
            return (.errored(Failures.unexpected("compat \(file)", error)), "")
        } catch {
            return (.errored(TestProblem(type: "compat", message: "compat \(file): \(error)")), "")
        }
    }
}
