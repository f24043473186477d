import Mongo

extension ScenarioLoader {
    static let serviceKeys = ["name", "exec", "env", "cwd", "ready", "timeoutMS"]

    /// `services`: each a name (a variable name: its port is `preflight.ports.NAME`), the
    /// program to start, and how to know it is ready. Sandbox files only.
    static func services(_ value: BSON?, parser: StepParser, globals: Set<String>) -> [ServiceSpec] {
        guard let value else { return [] }
        let diagnostics = parser.diagnostics
        let path = JSONPath.root.key("services")
        if parser.context.live {
            diagnostics.error(path, "`services` " + StepParser.programRefusal)
            return []
        }
        guard let array = value.arrayValue, !array.isEmpty else {
            diagnostics.error(path, "expected a non-empty array of services, such as [{\"name\": \"api\", \"exec\": [\"python3\", \"app.py\"], \"ready\": {\"tcp\": true}}], got \(Diagnostics.describe(value))")
            return []
        }
        var services: [ServiceSpec] = []
        var names: Set<String> = []
        FieldReader.eachObject(in: array, at: path, diagnostics, expected: "a service (a JSON object)") { reader in
            let servicePath = reader.path
            reader.allowOnly(serviceKeys, context: " for a service")
            guard let name = reader.string("name", required: true) else { return }
            if !VariableName.isValid(name) {
                diagnostics.error(servicePath.key("name"), "\"\(name)\" is not a service name: use letters, digits and _ (its port is the variable preflight.ports.\(name))")
            } else if !names.insert(name).inserted {
                diagnostics.error(servicePath.key("name"), "a second service named \"\(name)\"")
            }
            let directory = parser.workingDirectory(reader.string("cwd"), at: servicePath.key("cwd"))
            let arguments = parser.commandLine(reader.array("exec", required: true), at: servicePath.key("exec"), directory: directory, scope: globals)
            let environment = parser.environment(reader.document("env"), at: servicePath.key("env"), scope: globals)
            let ready = readiness(reader, at: servicePath.key("ready"), scope: globals, parser: parser)
            let timeout = reader.integer("timeoutMS", in: 1...600_000) ?? ServiceSpec.defaultReadyTimeoutMS
            guard let arguments, let directory, let ready else { return }
            services.append(ServiceSpec(
                name: name, arguments: arguments, environment: environment, directory: directory, ready: ready, readyTimeoutMS: timeout,
                path: servicePath))
        }
        return services
    }

    private static func readiness(_ reader: FieldReader, at path: JSONPath, scope: Set<String>, parser: StepParser) -> ServiceSpec.Readiness? {
        let diagnostics = reader.diagnostics
        let expected = "{\"http\": \"http://127.0.0.1:{preflight.ports.NAME}/health\"}, {\"tcp\": true} or {\"log\": \"a regular expression\"}"
        guard let document = reader.document("ready", required: true) else { return nil }
        guard document.count == 1, let (kind, value) = document.elements.first.map({ ($0.key, $0.value) }) else {
            diagnostics.error(path, "expected one way to know the service is ready: \(expected)")
            return nil
        }
        switch kind {
        case "http":
            guard let url = value.stringValue else {
                diagnostics.error(path.key("http"), "expected the URL to GET, got \(Diagnostics.describe(value))")
                return nil
            }
            parser.checkURL(url, at: path.key("http"), scope: scope)
            return .http(url)
        case "tcp":
            guard value.boolValue == true else {
                diagnostics.error(path.key("tcp"), "expected true (the service's own port accepts connections), got \(Diagnostics.describe(value))")
                return nil
            }
            return .tcp
        case "log":
            guard let pattern = value.stringValue, !pattern.isEmpty else {
                diagnostics.error(path.key("log"), "expected a regular expression for a line of the service's output, got \(Diagnostics.describe(value))")
                return nil
            }
            do {
                _ = try Regex(pattern)
            } catch {
                diagnostics.error(path.key("log"), "not a regular expression: \(error)")
                return nil
            }
            return .log(pattern)
        default:
            diagnostics.error(path.key(kind), Diagnostics.unknown("readiness", kind, among: ["http", "tcp", "log"]) + ": expected \(expected)")
            return nil
        }
    }
}
