import Foundation
import Mongo

/// A `compat` step: the spec held to the test's database (the sandbox with its fixtures,
/// or the live database), read-only. The step fails with the spec's summary when the
/// spec does; every check's counts go to the test's log either way.
enum CompatStepRunner {
    static func run(_ spec: CompatSpec, step: Step, _ environment: StepEnvironment) throws {
        // Caught at load time for steps written in a transaction; this is for a procedure
        // with a compat step run from one.
        if environment.transaction != nil {
            throw RunFailure.failed(TestProblem(
                type: "compat", message: "\(step.title): a compat step cannot run inside a transaction: it reads outside the transaction's session"))
        }
        let report: CompatReport
        do {
            report = try CompatScan.run(spec, database: environment.database, client: environment.client)
        } catch let error as CompatScanError {
            switch error {
            case .readFailed(let reading, let mongoError):
                var problem = Failures.unexpected(step.title, mongoError)
                problem.message = "\(step.title): the server failed while \(reading): \(mongoError)"
                throw RunFailure.errored(problem)
            case .patternRefused(let invalid):
                throw RunFailure.errored(TestProblem(type: "invalidInput", message: "\(step.title): \(invalid)"))
            }
        }
        for line in report.countLines { environment.log.append("  " + line) }
        guard report.passed else {
            throw RunFailure.failed(TestProblem(type: "compat", message: "\(step.title): \(report.summary)", details: report.failureDetails))
        }
    }
}
