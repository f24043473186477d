import Foundation

extension MigrationLoader {
    /// Loads the migrations under `paths`: files as given, folders searched recursively
    /// for `*.json` files with a `migration` key (fixture data and other formats beside
    /// them are left alone).
    /// - Returns: the valid migrations in path order, and every problem of the others.
    public func loadAll(_ paths: [String]) -> (migrations: [Migration], errors: [ValidationError]) {
        var migrations: [Migration] = []
        var errors: [ValidationError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(ValidationError(file: path, message: "no such file or directory"))
                continue
            }
            let files = isDirectory.boolValue ? ScenarioCatalog.jsonFiles(under: path).filter(Self.isMigration) : [path]
            for file in files {
                do {
                    migrations.append(try load(file))
                } catch {
                    errors += error.errors
                }
            }
        }
        return (migrations, errors)
    }

    /// Whether `file` parses as an object with a `migration` key; a file that does not
    /// parse is not a migration as far as a folder search can tell.
    private static func isMigration(_ file: String) -> Bool {
        (try? InputText.read(file))?.value.documentValue?["migration"] != nil
    }

    /// The problems of a migration file found in a scenario folder, for `preflight check`.
    static func problems(in input: InputText) -> [ValidationError] {
        guard let document = input.value.documentValue else { return [] }
        do {
            _ = try MigrationLoader().load(document, file: input.file, bytes: input.bytes)
            return []
        } catch {
            return error.errors
        }
    }
}
