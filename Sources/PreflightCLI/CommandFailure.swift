import ArgumentParser
import Foundation
import PreflightCore

/// The one place where failures become exit codes: the message goes to standard error,
/// and the `ExitCode` returned is what `run()` throws.
enum CommandFailure {
    static func exit(_ message: String, _ code: PreflightExitCode) -> ExitCode {
        Console.standardError("Error: " + message)
        return ExitCode(code.rawValue)
    }

    static func exit(_ error: Error, _ code: PreflightExitCode) -> ExitCode {
        exit((error as? LocalizedError)?.errorDescription ?? "\(error)", code)
    }
}
