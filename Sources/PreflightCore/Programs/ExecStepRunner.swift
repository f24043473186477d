import Foundation
import Mongo

/// One `exec` step: the program run with the sandbox's connection, to its end or its
/// timeout, its result held to `expect` and kept by `save`.
enum ExecStepRunner {
    static func run(_ exec: ExecStep, step: Step, _ environment: StepEnvironment) throws {
        var title: String { step.title }
        let scope = environment.scope
        let arguments = try ProgramContext.strings(exec.arguments.enumerated().map { ("argument \($0.offset)", $0.element) }, scope, what: "\(title):")
            .map(\.1)
        let extra = try ProgramContext.strings(exec.environment.elements.map { ($0.key, $0.value) }, scope, what: "\(title): env")
        let input = try exec.stdin.map { try ProgramContext.strings([("stdin", $0)], scope, what: "\(title):")[0].1 }
        let context = environment.programs ?? ProgramContext(uri: "", database: environment.database)
        let process: ChildProcess
        do {
            process = try ChildProcess(
                arguments, environment: context.environment(Dictionary(extra, uniquingKeysWith: { $1 })), directory: exec.directory,
                stdin: Array((input ?? "").utf8))
        } catch {
            throw RunFailure.errored(TestProblem(type: "exec", message: "\(title): \(error)"))
        }
        let commandLine = process.commandLine
        environment.log.append(.deferred { "  $ \(commandLine)" })
        let started = Date()
        guard let status = process.wait(until: started.addingTimeInterval(Double(exec.timeoutMS) / 1000)) else {
            process.stop(grace: 0)
            process.stdout.waitForEnd(until: Date().addingTimeInterval(2))
            process.stderr.waitForEnd(until: Date().addingTimeInterval(2))
            throw RunFailure.failed(TestProblem(
                type: "timeout",
                message: "\(title): still running after \(exec.timeoutMS) ms (timeoutMS); it and every process it started were killed",
                details: "command: \(commandLine)\n" + outputs(process)))
        }
        // The reaper killed what the program left behind, so its pipes close.
        process.stdout.waitForEnd(until: Date().addingTimeInterval(5))
        process.stderr.waitForEnd(until: Date().addingTimeInterval(5))
        let (stdout, complete) = process.stdout.text
        let stderr = process.stderr.text.text
        var result: BSONDocument = ["exitCode": .int32(status), "stdout": .string(stdout), "stderr": .string(stderr)]
        if complete, let json = ProgramResult.json(stdout) { result.append("json", json) }
        let elapsed = Date().timeIntervalSince(started)
        environment.log.append(.deferred {
            ("  exit \(status) after \(FixedPoint.text(elapsed, places: 3)) s\n" + indented(stdout, "stdout") + indented(stderr, "stderr"))
                .trimmingCharacters(in: .newlines)
        })
        if status != 0, exec.expect?.documentValue?["exitCode"] == nil {
            throw RunFailure.failed(TestProblem(
                type: "exec",
                message: "\(title): exited with status \(status)" + (status > 128 ? " (killed by signal \(status - 128))" : "") + lastLine(of: stderr),
                details: "command: \(commandLine)\n" + outputs(process)))
        }
        try ProgramResult.check(exec.expect, result, title: title, scope: scope)
        try exec.save?.keep(.document(result), title: title, in: scope)
    }

    private static func outputs(_ process: ChildProcess) -> String {
        indented(process.stdout.text.text, "stdout") + indented(process.stderr.text.text, "stderr")
    }

    private static func indented(_ text: String, _ name: String) -> String {
        guard !text.isEmpty else { return "" }
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return "  \(name):\n" + ProgramResult.shown(trimmed).split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
    }

    /// The last line the program wrote to standard error, which usually says why it failed.
    private static func lastLine(of stderr: String) -> String {
        guard let line = stderr.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "" }
        return ": " + String(line.prefix(300))
    }
}
