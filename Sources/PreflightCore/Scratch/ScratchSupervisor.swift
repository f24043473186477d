import Foundation

/// How a scratch server is wrapped so that neither it nor its directory outlives Preflight.
///
/// The server runs under a small POSIX shell that owns it: when the shell is told to stop
/// (SIGTERM, SIGHUP) it kills the server, waits for it, and removes the directory; when
/// the server exits on its own, the shell removes the directory and exits with the
/// server's status. The shell itself gets SIGTERM from the kernel when Preflight dies in
/// any way, `kill -9` included, through `setpriv --pdeathsig` (util-linux, in every
/// Debian). The server is killed outright: its data is thrown away, so there is nothing
/// to flush, and a graceful SecantusDB shutdown takes two seconds. The trap first points
/// the shell's own output at /dev/null: when Preflight is dead nobody reads the pipe, and
/// the shell's "Killed" notice would otherwise kill it with SIGPIPE before it cleans up.
///
/// A shell cannot trap a signal that was ignored when it started, and a spawned child
/// inherits ignored signals (Preflight may itself have been started with them ignored,
/// and a library user may ignore them). So the shell is started through
/// `env --default-signal=TERM,HUP` (coreutils), and `SpawnThread` spawns with an empty
/// signal mask.
enum ScratchSupervisor {
    static let script = """
        dir=$1; shift
        server=""; stop=""
        trap 'exec >/dev/null 2>&1; stop=1; [ -n "$server" ] && kill -KILL "$server"' TERM HUP
        trap '' INT
        "$@" &
        server=$!
        echo "preflight-scratch: server pid $server in $dir"
        [ -n "$stop" ] && kill -KILL "$server" 2>/dev/null
        while :; do
            wait "$server"; status=$?
            kill -0 "$server" 2>/dev/null || break
        done
        [ -n "$dir" ] && rm -rf -- "$dir"
        exit "$status"
        """

    static let setpriv = "/usr/bin/setpriv"

    /// The supervisor's executable and arguments for running `server` in `directory`.
    static func commandLine(directory: String, server: [String]) -> (executable: String, arguments: [String]) {
        let shell = ["/usr/bin/env", "--default-signal=TERM,HUP", "--", "/bin/sh", "-c", script, "preflight-scratch", directory] + server
        if FileManager.default.isExecutableFile(atPath: setpriv) {
            return (setpriv, ["--pdeathsig", "TERM", "--"] + shell)
        }
        // Without setpriv the server is still stopped on a normal exit and on SIGINT/SIGTERM,
        // but not when Preflight is killed with SIGKILL.
        return (shell[0], Array(shell.dropFirst()))
    }

    /// The server's pid, from the supervisor's first line of output.
    static func serverPID(fromLogLine line: String) -> Int32? {
        guard line.hasPrefix("preflight-scratch: server pid ") else { return nil }
        return Int32(line.dropFirst("preflight-scratch: server pid ".count).prefix { $0.isNumber })
    }
}
