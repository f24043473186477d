import Mongo

/// A collection operation or a command, with its arguments as written (variables not yet
/// substituted) and what it must produce.
///
/// A class, read-only once made, so that handing a step from the file's list to the
/// runner, the executor and the report is one retain, not one per string, document and
/// option it holds: every step a run sends is handed over several times.
public final class OperationStep: Sendable {
    public let action: OperationAction
    /// The collection; empty for `command`.
    public let collection: String
    /// The step's arguments (`filter`, `update`, …); for `command`, the command document.
    public let arguments: BSONDocument
    /// For `command`: the database it is sent to when not the scenario's own.
    public let database: String?
    public let expect: BSON?
    public let expectError: ExpectedError?
    public let save: SaveTarget?
    public let timeoutMS: Int?
    /// Where the read goes, when the step says (live files only).
    public let readPreference: ReadPreference?
    /// Whether `arguments` and `expect` may hold `$$var`, `$$now` or `$$newObjectId`: the
    /// loader knows from its walk, and a step without any is sent and matched without a
    /// second walk at every run.
    let argumentsHoldVariables: Bool
    let expectHoldsVariables: Bool

    init(
        action: OperationAction, collection: String, arguments: BSONDocument, database: String?, expect: BSON?,
        expectError: ExpectedError?, save: SaveTarget?, timeoutMS: Int?, readPreference: ReadPreference? = nil,
        argumentsHoldVariables: Bool = true, expectHoldsVariables: Bool = true
    ) {
        self.action = action
        self.collection = collection
        self.arguments = arguments
        self.database = database
        self.expect = expect
        self.expectError = expectError
        self.save = save
        self.timeoutMS = timeoutMS
        self.readPreference = readPreference
        self.argumentsHoldVariables = argumentsHoldVariables
        self.expectHoldsVariables = expectHoldsVariables
    }

    /// Whether the step only reads: a read action, or a read-only command, and no
    /// `$out` / `$merge` stage in its pipeline.
    public var isReadOnly: Bool {
        Self.isReadOnly(action, arguments)
    }

    static func isReadOnly(_ action: OperationAction, _ arguments: BSONDocument) -> Bool {
        action == .command ? isReadOnlyCommand(arguments) : action.isRead && !StepParser.pipelineWrites(arguments["pipeline"])
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
