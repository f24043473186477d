/// What Preflight needs to know about a server before running anything on it.
public struct ServerFacts: Sendable, Equatable {
    public enum Topology: String, Sendable {
        case single
        case replicaset
        case sharded
    }

    /// `buildInfo.version`, e.g. `7.0.14`.
    public var version: String
    public var topology: Topology
    public var maxWireVersion: Int64
    /// Whether `configureFailPoint` is accepted (mongod needs `enableTestCommands=1`).
    public var failPointsAvailable: Bool
    /// The server is SecantusDB (its `buildInfo` says so), whose known differences from
    /// mongod some checks must allow for.
    public var isSecantus = false

    /// The version as numbers, for comparing with a scenario's `minServerVersion`.
    public var versionComponents: [Int] {
        Self.components(version)
    }

    public static func components(_ version: String) -> [Int] {
        version.split(separator: "-").first.map { $0.split(separator: ".").map { Int($0) ?? 0 } } ?? []
    }

    /// Compares dotted versions numerically, missing parts counting as 0 (`6.0` == `6.0.0`).
    public static func compare(_ a: String, _ b: String) -> Int {
        let (x, y) = (components(a), components(b))
        for index in 0..<max(x.count, y.count) {
            let (left, right) = (index < x.count ? x[index] : 0, index < y.count ? y[index] : 0)
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }
}

extension MongoClient {
    /// Asks the server for its version, topology and whether fail points work.
    public func serverFacts() throws(MongoError) -> ServerFacts {
        let hello = try runCommand(["hello": 1], on: "admin")
        let buildInfo = try runCommand(["buildInfo": 1], on: "admin")
        let topology: ServerFacts.Topology =
            if hello["msg"]?.stringValue == "isdbgrid" {
                .sharded
            } else if hello["setName"] != nil {
                .replicaset
            } else {
                .single
            }
        // Asked about a fail point that does not exist, so nothing on the server changes
        // (switching `failCommand` off would switch off another client's): mongod answers
        // "unknown fail point" when test commands are on, CommandNotFound when they are off.
        let failPoints: Bool
        do {
            try runCommand(["configureFailPoint": "preflightProbeOnly", "mode": "off"], on: "admin")
            failPoints = true
        } catch {
            failPoints = error.kind == .server && error.code != 59 && error.code != 13  // CommandNotFound, Unauthorized
        }
        return ServerFacts(
            version: buildInfo["version"]?.stringValue ?? "0",
            topology: topology,
            maxWireVersion: hello["maxWireVersion"]?.integerValue ?? 0,
            failPointsAvailable: failPoints,
            isSecantus: buildInfo["secantusVersion"] != nil)
    }
}
