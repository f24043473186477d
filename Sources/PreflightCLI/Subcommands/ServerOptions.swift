import ArgumentParser
import Foundation
import Mongo
import PreflightCore

/// Which server: a live one by URI, or a scratch one.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run against this server (mongodb:// or mongodb+srv://) instead of a scratch one. Sandbox scenarios write only to pf_<run-id>_<n> databases they create and drop, each recorded with its owner in preflight_sandboxes (see `preflight sandboxes`).",
        valueName: "uri"))
    var uri: String?

    @Option(
        name: .customLong("scratch"),
        help: ArgumentHelp(
            "Which scratch server to start when there is no --uri: mongod, secantus, or the path of a server binary. Without it: mongod when it is on PATH, else SecantusDB (PREFLIGHT_SECANTUSD, then .venv/, then PATH).",
            valueName: "mongod|secantus|PATH"))
    var scratch: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to wait for a scratch server to answer ping.", valueName: "seconds"))
    var readinessTimeout: Double = 30

    @OptionGroup var timeout: ServerTimeout

    func validate() throws {
        if uri != nil && scratch != nil { throw ValidationError("--uri and --scratch cannot be used together: --uri names the server.") }
        if readinessTimeout <= 0 { throw ValidationError("--readiness-timeout must be a positive number of seconds.") }
    }
}
