import ArgumentParser
import Foundation
import PreflightCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter pack into a folder: a library, a sandbox scenario with a race, a live monitoring file, a compat spec, a migration, a checklist with a snapshot of production-like data, editor schemas and a README.",
        discussion: """
            The pack is for a small job queue; every file passes `preflight check` as \
            written, and `preflight run DIR` runs it on a scratch server (the live file is \
            reported skipped there). Its README lists the commands to try, and each file \
            names its editor schema with "$schema".

            Nothing is ever overwritten: when any file of the pack exists already, nothing \
            is written and the command exits 64.
            """)

    @Argument(help: ArgumentHelp("The folder to write into (created when missing; default: the working directory).", valueName: "dir"))
    var directory: String = "."

    func run() throws {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let schemas = Self.schemaDirectory()
        var files = StarterPack.files
        if let schemas {
            for name in ["scenario.schema.json", "checklist.schema.json", "compat.schema.json", "migration.schema.json"] {
                if let text = try? String(contentsOfFile: schemas + "/" + name, encoding: .utf8) { files.append(("schema/" + name, text)) }
            }
        } else {
            // Without the schemas to copy, a "$schema" line would point at nothing.
            files = files.map { ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(#""$schema""#) }.joined(separator: "\n")) }
            Console.standardError("The editor schemas were not found beside preflight (make install puts them in PREFIX/share/preflight/schema); the pack is written without \"$schema\" lines.")
        }
        let existing = files.map { root + "/" + $0.path }.filter { FileManager.default.fileExists(atPath: $0) }
        guard existing.isEmpty else {
            throw CommandFailure.exit(
                "\(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); preflight init never overwrites a file, so nothing was written. Name an empty or new folder: preflight init DIR.",
                .usage)
        }
        do {
            for (path, text) in files {
                let target = root + "/" + path
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data((text.hasSuffix("\n") ? text : text + "\n").utf8).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
            }
        } catch {
            throw CommandFailure.exit("could not write the pack into \(root): \(error.localizedDescription)", .environment)
        }
        print("Wrote a starter pack into \(directory): \(files.count) files. Next: preflight check \(directory), then preflight run \(directory) (\(directory)/README.md says more).")
    }

    /// The editor schemas: in a checkout, `scenarios/schema` above `.build/<config>/`;
    /// installed, `PREFIX/share/preflight/schema`.
    static func schemaDirectory() -> String? {
        ScratchServer.installationDirectories().flatMap { [$0 + "/scenarios/schema", $0 + "/share/preflight/schema"] }
            .first { FileManager.default.fileExists(atPath: $0 + "/scenario.schema.json") }
    }
}
