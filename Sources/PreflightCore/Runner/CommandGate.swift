import Foundation
import Mongo

/// Lets Ctrl-C stop a run's commands before its sandboxes are dropped: a test still
/// running would otherwise write again and bring its sandbox back, and the run would
/// exit leaving a database behind.
///
/// Command monitoring calls `record` on the thread that is about to send the command,
/// before it is sent. Once the gate is closed that thread waits there for good (the
/// process is about to exit); commands already sent are counted, so `close` can wait
/// for them to finish.
final class CommandGate: @unchecked Sendable {
    // @unchecked: `inFlight` and `closed` are guarded by `condition`.
    private let condition = NSCondition()
    /// Commands sent and not yet answered: libmongoc reports each command that started
    /// as succeeded or failed exactly once, so a count is enough.
    private var inFlight = 0
    private var closed = false

    func record(_ event: CommandEvent) {
        condition.lock()
        defer { condition.unlock() }
        switch event.outcome {
        case .started:
            while closed { condition.wait() }
            inFlight += 1
        case .succeeded, .failed:
            inFlight = max(inFlight - 1, 0)
            if inFlight == 0 { condition.broadcast() }
        }
    }

    /// Holds back every command not yet sent, and waits for those already sent.
    /// - Returns: false when some were still running at `timeout`.
    @discardableResult
    func close(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        let deadline = Date().addingTimeInterval(timeout)
        while inFlight > 0 {
            if !condition.wait(until: deadline) { return inFlight == 0 }
        }
        return true
    }
}
