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

    /// Invalid input (exit 2): every problem on its own line, then how many in how many
    /// files, and `then`: that nothing happened ("nothing was run", "nothing was read").
    static func invalid(_ errors: [PreflightCore.ValidationError], then: String) -> ExitCode {
        for error in errors { Console.standardError(error.description) }
        let files = Set(errors.map(\.file)).count
        return exit("\(errors.count) problem\(errors.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s"); \(then).", .invalidInput)
    }
}
