import Mongo
/// How a run behaves, from the command line.
public struct RunOptions: Sendable {
    /// Keep sandbox databases after the run, for inspection.
    public var keepDatabases = false
    /// Stop after the first failed or errored test; the rest are reported skipped.
    public var failFast = false
    /// `--database`: the real database live scenarios read, instead of their `database`.
    public var databaseOverride: String?
    /// Whether the scratch server's process still runs, asked before every test and every
    /// `repeat` iteration: one that died fails the rest of the run at once instead of one
    /// server-selection timeout per test.
    public var serverIsUp: (@Sendable () -> Bool)?
    /// The run is on a scratch server Preflight started: live files, which read a real
    /// database, have nothing to read there and are skipped.
    public var onScratchServer = false
    /// Live files read the scratch server anyway: the gate loads a snapshot there first.
    public var scratchHoldsSnapshot = false
    /// `--jobs`: how many scenario files run at once, each in its own sandbox and on its
    /// own connections.
    public var jobs = 1
    /// `--fail-on-skip`: a skipped test fails the run, as it does inside a gate.
    public var failOnSkip = false
    /// `--read-preference`: where live files' reads go, over a file's own.
    public var readPreference: ReadPreference?

    public init() {}
}
