import Foundation

extension SandboxOwner {
    /// Whether the run that owns the sandbox still lives, and why it is taken to, in words.
    /// On the machine and in the container the run started in, its process decides: a run
    /// killed a second ago is dead, one stopped for an hour (Ctrl-Z) alive. Anywhere else
    /// only the lease can tell.
    func liveness(now: Date = Date()) -> (alive: Bool, reason: String) {
        let who = "process \(process.pid) on \(process.host)"
        if let endedAt {
            return (false, "its run ended at \(Self.text(endedAt)) " + (kept ? "and kept it (--keep-databases)" : "without dropping it"))
        }
        if let pruning {
            return (false, "a prune by \(pruning) did not finish")
        }
        switch process.isRunning() {
        case true?:
            return (true, "\(who) is running")
        case false?:
            return (false, "\(who) has exited")
        case nil where leaseUntil > now:
            return (true, "\(who), which cannot be seen from here, renewed its lease until \(Self.text(leaseUntil))")
        case nil:
            return (false, "its lease expired at \(Self.text(leaseUntil)): \(who), which cannot be seen from here, stopped renewing it")
        }
    }
}
