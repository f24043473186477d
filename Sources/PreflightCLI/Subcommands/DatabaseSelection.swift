import ArgumentParser
import Mongo
import PreflightCore

/// Which real database a command reads: `--database`, else the one the connection string
/// names (`mongodb://host/earlybird`), else nil for each file's own. A URI that names a
/// database is the user saying which one; ignoring it would read another, possibly empty,
/// database and pass.
struct DatabaseSelection {
    /// The database chosen, or nil for each file's own.
    let name: String?
    /// Where the choice came from, for messages: `--database`, `the URI`.
    let source: String?

    /// - Parameters:
    ///   - flags: every `--database` given; two different ones are a usage error, since
    ///     the argument parser would silently keep the last.
    ///   - uri: the connection string of the server read, when there is one.
    /// - Throws: `ValidationError` (exit 64) for conflicting values or a malformed URI.
    init(flags: [String], uri: String?) throws {
        let distinct = flags.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard distinct.count <= 1 else {
            throw ArgumentParser.ValidationError("--database is given \(distinct.count) different values (\(distinct.joined(separator: ", "))): name one database.")
        }
        if let given = distinct.first {
            if let problem = DatabaseName.problem(given) { throw ArgumentParser.ValidationError("--database: \(problem).") }
            name = given
            source = "--database"
            return
        }
        guard let uri else {
            name = nil
            source = nil
            return
        }
        do {
            name = try ConnectionString.database(of: uri)
        } catch {
            throw ArgumentParser.ValidationError(error.message)
        }
        source = name == nil ? nil : "the URI"
        if let name, let problem = DatabaseName.problem(name) {
            throw ArgumentParser.ValidationError("""
                The URI names the database "\(name)", which Preflight would read: \(problem). If it is where the user \
                is defined, write ?authSource=\(name) instead, and name the database to read in the path or with --database.
                """)
        }
    }
}
