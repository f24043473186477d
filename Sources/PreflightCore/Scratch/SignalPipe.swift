import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The pipe's write end: all a signal handler may touch.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Turns signals into calls on a thread of Preflight's own: the self-pipe trick.
///
/// Dispatch's signal sources need the signal set to SIG_IGN first; libdispatch installs
/// its own handler later, on another thread, so a signal in between is lost, and what it
/// receives depends on every thread's mask. A plain `sigaction` handler that writes the
/// signal's number to a pipe is in place when `install` returns, runs on whichever thread
/// the kernel picks, also takes over a signal ignored when Preflight started, and is
/// reset to the default in every child.
enum SignalPipe {
    /// Installs handlers for `signals`; `handler` is called for each delivery, one at a
    /// time, on a dedicated thread. Only the first call installs anything.
    static func install(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var ends: [Int32] = [-1, -1]
        guard signalPipeWriteEnd < 0, pipe(&ends) == 0 else { return }
        // Close-on-exec: the scratch servers must not inherit the pipe.
        ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        signalPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 {
                handler(Int32(byte))
            }
        }
        thread.name = "preflight-signals"
        thread.start()
        for signalNumber in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                // Only async-signal-safe work here: one write, errno preserved.
                let savedErrno = errno
                var byte = UInt8(truncatingIfNeeded: signalNumber)
                _ = write(signalPipeWriteEnd, &byte, 1)
                errno = savedErrno
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signalNumber, &action, nil)
        }
    }
}
