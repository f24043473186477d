import Mongo

/// A collection operation or a command, with its arguments as written (variables not yet
/// substituted) and what it must produce.
public struct OperationStep: Sendable {
    public var action: OperationAction
    /// The collection; empty for `command`.
    public var collection: String
    /// The step's arguments (`filter`, `update`, …); for `command`, the command document.
    public var arguments: BSONDocument
    /// For `command`: the database it is sent to when not the scenario's own.
    public var database: String?
    public var expect: BSON?
    public var expectError: ExpectedError?
    public var save: SaveTarget?
    public var timeoutMS: Int?
    /// Where the read goes, when the step says (live files only).
    public var readPreference: ReadPreference? = nil
    /// Whether `arguments` and `expect` may hold `$$var`, `$$now` or `$$newObjectId`: the
    /// loader knows from its walk, and a step without any is sent and matched without a
    /// second walk at every run. True unless the loader said otherwise.
    var argumentsHoldVariables = true
    var expectHoldsVariables = true

    /// Whether the step only reads: a read action, or a read-only command, and no
    /// `$out` / `$merge` stage in its pipeline.
    public var isReadOnly: Bool {
        action == .command ? Self.isReadOnlyCommand(arguments) : action.isRead && !StepParser.pipelineWrites(arguments["pipeline"])
    }

    /// A command that only reads: a read-only command name, and no pipeline that writes.
    static func isReadOnlyCommand(_ command: BSONDocument) -> Bool {
        OperationAction.readOnlyCommands.contains(command.keys.first ?? "") && !StepParser.pipelineWrites(command["pipeline"])
    }

    /// For `command`: the command's name, its first key.
    public var commandName: String? {
        action == .command ? arguments.keys.first : nil
    }
}
