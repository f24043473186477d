/// Why a step stopped its test: an expectation not met (a JUnit failure) or something
/// unexpected, such as a server or network error (a JUnit error).
enum RunFailure: Error, Sendable {
    case failed(TestProblem)
    case errored(TestProblem)

    var problem: TestProblem {
        switch self {
        case .failed(let problem), .errored(let problem): problem
        }
    }

    /// The same failure, its message prefixed with where it happened.
    func prefixed(_ prefix: String) -> RunFailure {
        var problem = self.problem
        problem.message = prefix + ": " + problem.message
        switch self {
        case .failed: return .failed(problem)
        case .errored: return .errored(problem)
        }
    }

    /// An error from a lost connection or a server that could not be selected: the server
    /// may be gone, and is worth asking before anything else waits for it.
    var lostConnection: Bool {
        if case .errored(let problem) = self { problem.type == Failures.networkError } else { false }
    }
}
