import Foundation
import Mongo

/// What the programs and requests of a sandbox file are given: the sandbox's connection
/// (as `PREFLIGHT_URI` and `PREFLIGHT_DATABASE`, and as the variable `preflight`), the
/// ports of its services, and the services themselves, whose logs go into failing tests.
struct ProgramContext: Sendable {
    let uri: String
    let database: String
    var ports: [String: Int] = [:]
    var services: ServiceGroup?

    init(uri: String, database: String) {
        self.uri = uri
        self.database = database
        // A password in the connection string is a secret wherever a program echoes it.
        SecretValues.shared.addCredentials(of: uri)
    }

    /// The variable `preflight`: `{uri, database, ports: {NAME: port}}`.
    var variable: BSON {
        var ports = BSONDocument()
        for (name, port) in self.ports.sorted(by: { $0.key < $1.key }) { ports.append(name, .int32(Int32(port))) }
        return .document(["uri": .string(uri), "database": .string(database), "ports": .document(ports)])
    }

    /// Preflight's own environment with the sandbox's connection, then `extra` over it.
    func environment(_ extra: [String: String], port: Int? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PREFLIGHT_URI"] = uri
        environment["PREFLIGHT_DATABASE"] = database
        environment["PREFLIGHT_PORT"] = port.map(String.init)
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    /// Arguments (or `env` values) with their variables replaced: strings, and whole
    /// numbers written in decimal. Anything else a variable holds is the step's error.
    /// - Parameter what: what a message names first (the step, and which of its parts).
    static func strings(_ values: [(String, BSON)], _ scope: VariableScope, what: String) throws -> [(String, String)] {
        try values.map { label, value in
            let resolved: BSON
            do {
                resolved = try Substitution.apply(value, scope)
            } catch let failure as RunFailure {
                throw failure.prefixed("\(what) \(label)")
            }
            switch resolved {
            case .string(let text): return (label, text)
            case .int32(let number): return (label, String(number))
            case .int64(let number): return (label, String(number))
            default:
                throw RunFailure.failed(TestProblem(
                    type: "variable",
                    message: "\(what) \(label) is \(Redaction.redact(resolved).extendedJSON(.relaxed).prefix(200)), not a string or a whole number"))
            }
        }
    }

    /// `url` with each `{name}` replaced by the variable's value.
    static func filledURL(_ url: String, _ scope: VariableScope) throws -> String {
        // A `{` without its `}` was refused when the file was loaded.
        try URLTemplate.filled(url) { name in
            try strings([("{\(name)}", ["$$var": .string(name)])], scope, what: "the URL's placeholder")[0].1
        } ?? url
    }
}
