/// Preflight's exit codes, the contract CI pipelines and the deployment gate read.
public enum PreflightExitCode: Int32, Sendable {
    /// Everything passed (GO).
    case passed = 0
    /// A test failed or errored (NO-GO).
    case failed = 1
    /// An input file is invalid; nothing was run.
    case invalidInput = 2
    /// The environment failed before tests could run: no server, a scratch server that
    /// would not start, a report that could not be written.
    case environment = 3
    /// Command-line usage (swift-argument-parser's own code).
    case usage = 64
}
