import ArgumentParser

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Data migrations: verify one in a sandbox before it runs for real.",
        subcommands: [MigrateVerifyCommand.self])
}
