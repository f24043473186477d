import Mongo

extension Scenario {
    /// What the file would start and send, for `preflight check`: each service's and
    /// `exec` step's command line as written (variables shown as `{name}`), and each
    /// `http` step's method and URL. Steps in procedures the file runs are included.
    public var programsRun: [String] {
        var lines = services.map { "service \($0.name): " + Self.written($0.arguments) + " (in \(ScenarioLoader.displayPath($0.directory)))" }
        var walk = StepWalk(procedures: procedures)
        var seen: Set<String> = []
        walk.forEach(in: tests.flatMap(\.steps)) { step in
            let line: String
            switch step.kind {
            case .exec(let exec): line = "exec: " + Self.written(exec.arguments) + " (in \(ScenarioLoader.displayPath(exec.directory)))"
            case .http(let http): line = "http: \(http.method) \(http.url)"
            default: return
            }
            if seen.insert(line).inserted { lines.append(line) }
        }
        return lines
    }

    private static func written(_ arguments: [BSON]) -> String {
        arguments.map { argument in
            if let reference = argument.documentValue?["$$var"]?.stringValue { return "{\(reference)}" }
            if let text = argument.stringValue { return ChildProcess.shellQuoted(text) }
            return argument.extendedJSON(.relaxed)
        }.joined(separator: " ")
    }
}
