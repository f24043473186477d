import Foundation
import Mongo

/// What one test did, line by line: its steps and, from command monitoring, the commands
/// it sent. Shown under a failure, in `--verbose`, and per test in `--junit-extended`.
final class TestLog: @unchecked Sendable {
    // @unchecked: `lines` is guarded by `lock`; parallel branches write at once.
    private let lock = NSLock()
    private var lines: [String] = []
    /// Past this many lines only a count is kept: a 10,000-iteration loop must not
    /// turn a report into megabytes.
    private static let maximumLines = 2_000
    private var dropped = 0

    func append(_ line: String) {
        lock.withLock {
            if lines.count < Self.maximumLines { lines.append(line) } else { dropped += 1 }
        }
    }

    var text: String {
        lock.withLock {
            lines.joined(separator: "\n") + (dropped > 0 ? "\n… \(dropped) more lines not kept" : "")
        }
    }
}
