/// The checks a migration is held to, one JUnit test case each, in the order they run.
enum MigrationCheck: CaseIterable {
    case upSucceeds
    case countsUnchanged
    case onlyDeclaredFieldsChange
    case compatPasses
    case upIsIdempotent
    case downRestores

    /// The test case's name.
    var name: String {
        switch self {
        case .upSucceeds: "up succeeds"
        case .countsUnchanged: "up keeps every collection's document count"
        case .onlyDeclaredFieldsChange: "up changes only the fields declared in changes"
        case .compatPasses: "the compat spec passes after up"
        case .upIsIdempotent: "up is idempotent: a second up changes nothing"
        case .downRestores: "down restores the snapshot exactly"
        }
    }

    /// The top-level key of the migration file the check is about, for `--junit-extended`.
    var key: String {
        switch self {
        case .upSucceeds, .upIsIdempotent: "up"
        case .countsUnchanged, .onlyDeclaredFieldsChange: "changes"
        case .compatPasses: "compat"
        case .downRestores: "down"
        }
    }
}
