import Foundation

extension SuiteResult {
    /// A suite for what stopped a run outside its tests — invalid input, the environment,
    /// an interrupt — so the JUnit report, which CI reads even when the job failed, says
    /// why instead of holding the last run's results.
    public static func problem(_ name: String, tests: [(name: String, problem: TestProblem)]) -> SuiteResult {
        SuiteResult(
            name: name, file: "preflight", classname: "preflight", timestamp: Date(),
            tests: tests.map { TestResult(name: $0.name, outcome: .errored($0.problem)) })
    }

    /// One errored test per invalid file, with all of that file's problems.
    public static func invalidInput(_ errors: [ValidationError]) -> SuiteResult {
        var files: [String] = []
        var byFile: [String: [ValidationError]] = [:]
        for error in errors {
            if byFile[error.file] == nil { files.append(error.file) }
            byFile[error.file, default: []].append(error)
        }
        return problem("invalid input: nothing was run", tests: files.map { file in
            let problems = byFile[file] ?? []
            return (file, TestProblem(
                type: "invalidInput", message: problems.first?.description ?? file,
                details: problems.map(\.description).joined(separator: "\n")))
        })
    }
}
