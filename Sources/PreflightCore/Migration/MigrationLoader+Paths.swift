import Foundation

extension MigrationLoader {
    /// Loads the migrations under `paths`: files as given, folders searched recursively
    /// for `*.json` files with a `migration` key (fixture data and other formats beside
    /// them are left alone).
    /// - Returns: the valid migrations in path order, and every problem of the others.
    public func loadAll(_ paths: [String]) -> (migrations: [Migration], errors: [ValidationError]) {
        var migrations: [Migration] = []
        var (files, errors) = ScenarioCatalog.files(in: paths)
        for (file, explicit) in files {
            if explicit {
                do { migrations.append(try load(file)) } catch { errors += error.errors }
                continue
            }
            // In a searched folder, a file that does not parse as an object with a
            // `migration` key is not a migration; one that does is read once, here.
            guard let input = try? InputText.read(file), let document = input.value.documentValue, document["migration"] != nil,
                document["checklist"] == nil
            else { continue }
            do { migrations.append(try load(document, file: file, bytes: input.bytes)) } catch { errors += error.errors }
        }
        return (migrations, errors)
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
