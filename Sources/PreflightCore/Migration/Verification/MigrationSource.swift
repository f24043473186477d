/// Where the documents a migration is verified on come from.
public enum MigrationSource: Sendable {
    /// The migration's own fixtures.
    case fixtures
    /// `--sample-from URI --sample N`: N documents drawn at random (`$sample`) from each
    /// collection `changes` names, read-only.
    case sample(SourceReader, size: Int)
    /// `--copy-from URI`: every document of each collection `changes` names, streamed.
    case copy(SourceReader)

    var reader: SourceReader? {
        switch self {
        case .fixtures: nil
        case .sample(let reader, _), .copy(let reader): reader
        }
    }
}
