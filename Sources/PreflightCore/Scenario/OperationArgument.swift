/// One argument an action takes, declared once for the loader, the executor and the
/// editor schema (a test holds `scenario.schema.json` to this table).
public struct OperationArgument: Sendable {
    public enum Role: Sendable {
        /// Read by the executor itself: the filter, the update, the documents.
        case operand
        /// Passed through to the server as the command field of the same name, in the
        /// order the step wrote it.
        case option
    }

    public let name: String
    public let role: Role
}

extension [OperationArgument] {
    static func operands(_ names: String...) -> Self { names.map { OperationArgument(name: $0, role: .operand) } }
    static func options(_ names: String...) -> Self { names.map { OperationArgument(name: $0, role: .option) } }
}

extension OperationAction {
    /// The arguments of the action, by MongoDB's CRUD specification; nil for
    /// `createIndex`, whose index options are open-ended (the server checks them).
    public var arguments: [OperationArgument]? {
        switch self {
        case .insertOne: .operands("document") + .options("bypassDocumentValidation", "comment")
        case .insertMany: .operands("documents") + .options("ordered", "bypassDocumentValidation", "comment")
        case .updateOne:
            .operands("filter", "update") + .options("upsert", "arrayFilters", "hint", "collation", "let", "sort", "bypassDocumentValidation", "comment")
        case .updateMany:
            .operands("filter", "update") + .options("upsert", "arrayFilters", "hint", "collation", "let", "bypassDocumentValidation", "comment")
        case .replaceOne:
            .operands("filter", "replacement") + .options("upsert", "hint", "collation", "let", "sort", "bypassDocumentValidation", "comment")
        case .deleteOne, .deleteMany: .operands("filter") + .options("hint", "collation", "let", "comment")
        case .findOneAndUpdate:
            .operands("filter", "update", "sort", "projection", "upsert", "returnDocument")
                + .options("arrayFilters", "hint", "collation", "let", "bypassDocumentValidation", "comment", "maxTimeMS")
        case .findOneAndReplace:
            .operands("filter", "replacement", "sort", "projection", "upsert", "returnDocument")
                + .options("hint", "collation", "let", "bypassDocumentValidation", "comment", "maxTimeMS")
        case .findOneAndDelete:
            .operands("filter", "sort", "projection") + .options("hint", "collation", "let", "comment", "maxTimeMS")
        case .find:
            .operands("filter")
                + .options("sort", "projection", "skip", "limit", "hint", "collation", "batchSize", "let", "allowDiskUse", "comment", "maxTimeMS")
        case .aggregate:
            .operands("pipeline") + .options("allowDiskUse", "hint", "collation", "batchSize", "let", "bypassDocumentValidation", "comment", "maxTimeMS")
        case .count: .operands("filter") + .options("skip", "limit", "hint", "collation", "comment", "maxTimeMS")
        case .estimatedDocumentCount: .options("comment", "maxTimeMS")
        case .distinct: .operands("key", "filter") + .options("collation", "comment", "maxTimeMS")
        case .bulkWrite: .operands("requests") + .options("ordered", "let", "bypassDocumentValidation", "comment")
        case .createIndex: nil
        case .dropIndex: .operands("name")
        case .listIndexes, .drop: []
        case .createCollection: .operands("options")
        case .command: .operands("on")
        }
    }

    /// The names of `arguments`.
    public var argumentKeys: [String]? { arguments?.map(\.name) }

    /// Every key an operation step of this action may hold, nil when open-ended: made
    /// once, as a file has a step per operation. (`readPreference` is allowed here and
    /// checked where it stands, so that a misplaced one is told why.)
    var stepKeys: [String]? { Self.stepKeysByAction[self] ?? nil }

    private static let stepKeysByAction: [OperationAction: [String]?] = Dictionary(
        uniqueKeysWithValues: allCases.map { action in
            (action, action.argumentKeys.map { [action.rawValue] + $0 + action.commonKeys + ["readPreference"] })
        })

    /// The arguments passed through to the server as they were written: read for every
    /// operation a run sends, so made once.
    var optionKeys: Set<String> { Self.optionKeysByAction[self] ?? [] }

    private static let optionKeysByAction: [OperationAction: Set<String>] = Dictionary(
        uniqueKeysWithValues: allCases.map { action in (action, Set(action.arguments?.filter { $0.role == .option }.map(\.name) ?? [])) })
}
