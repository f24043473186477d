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

    /// Whether the step only reads: a read action, or a read-only command, and no
    /// `$out` / `$merge` stage in its pipeline.
    public var isReadOnly: Bool {
        let reads = action == .command ? OperationAction.readOnlyCommands.contains(commandName ?? "") : action.isRead
        return reads && !StepParser.pipelineWrites(arguments["pipeline"])
    }

    /// For `command`: the command's name, its first key.
    public var commandName: String? {
        action == .command ? arguments.keys.first : nil
    }
}
