import Mongo

/// One migration file, validated: the steps that apply and undo it, what it declares it
/// may change, and the data to try it on.
public struct Migration: Sendable {
    /// The file as the user named it.
    public var file: String
    /// The `migration` key: its name in reports.
    public var name: String
    public var description: String?
    /// The logical database the migration runs on: the live database `--sample-from` and
    /// `--copy-from` read (unless `--source-database`), and the name `command` steps may
    /// use to mean the sandbox.
    public var database: String
    public var vars: BSONDocument
    public var fixtures: [Fixture]
    public var up: [Step]
    public var down: [Step]
    /// Collection by collection, in the order written.
    public var changes: [DeclaredChanges]
    /// The compat spec that must pass after `up`, as a path usable from the working directory.
    public var compat: String?
    /// Where `up`, `down`, `changes` and `compat` are written, for `--junit-extended`.
    var lines: [String: Int] = [:]

    /// What `changes` declares for `collection`, if anything.
    public func declared(_ collection: String) -> DeclaredChanges? {
        changes.first { $0.collection == collection }
    }
}
