import Foundation

/// Paths a checklist names: relative to the checklist's folder, with `*`, `?` and `[…]`
/// patterns, folders searched for the files of the section's kind.
enum ChecklistPaths {
    /// The files `written` stands for, as display paths, sorted.
    /// - Parameter kind: the section (`scenarios`, `compat`, `migrations`): a folder is
    ///   searched for the JSON files of that kind only.
    static func expand(_ written: String, relativeTo directory: URL, kind: String) -> [String] {
        let pattern = absolute(written, relativeTo: directory)
        var matches: [String] = []
        if written.contains(where: { "*?[".contains($0) }) {
            var result = glob_t()
            defer { globfree(&result) }
            if glob(pattern, 0, nil, &result) == 0 {
                for index in 0..<Int(result.gl_pathc) {
                    if let path = result.gl_pathv[index] { matches.append(String(cString: path)) }
                }
            }
        } else {
            matches = [pattern]
        }
        var files: [String] = []
        for match in matches {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: match, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                files += ScenarioCatalog.jsonFiles(under: match).filter { isKind(kind, $0) }
            } else {
                files.append(match)
            }
        }
        return files.map(ScenarioLoader.displayPath).sorted()
    }

    /// `written` with its first component that names nothing replaced by the nearest name
    /// in its folder (`../scenario/*.json` → `../scenarios/*.json`); nil when every folder
    /// on the way exists, or nothing is near. A pattern component is never replaced.
    static func nearest(_ written: String, relativeTo directory: URL) -> String? {
        var components = written.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var folder = written.hasPrefix("/") ? URL(fileURLWithPath: "/") : directory
        for (index, component) in components.enumerated() where !component.isEmpty {
            let next = folder.appendingPathComponent(component)
            if component == "." || component == ".." || FileManager.default.fileExists(atPath: next.path) {
                folder = next
                continue
            }
            guard !component.contains(where: { "*?[".contains($0) }),
                let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ !$0.hasPrefix(".") }),
                let near = NearestName.suggestion(for: component, among: names.sorted())
            else { return nil }
            components[index] = near
            return components.joined(separator: "/")
        }
        return nil
    }

    /// `written` as an absolute, standardized path.
    static func absolute(_ written: String, relativeTo directory: URL) -> String {
        let url = written.hasPrefix("/") ? URL(fileURLWithPath: written) : directory.appendingPathComponent(written)
        return url.standardized.path
    }

    /// How `allowSkipped` names a test: the file's absolute path, `::`, the test's name.
    static func testKey(_ file: String, _ test: String) -> String {
        absolute(file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) + "::" + test
    }

    /// Whether a file found in a folder is of the section's kind.
    private static func isKind(_ kind: String, _ file: String) -> Bool {
        guard let input = try? InputText.read(file), let document = input.value.documentValue else { return false }
        switch kind {
        case "scenarios": return document["tests"] != nil
        case "compat": return CompatLoader.isSpec(input.value) && document["migration"] == nil
        case "migrations": return document["migration"] != nil && document["checklist"] == nil
        default: return false
        }
    }
}
