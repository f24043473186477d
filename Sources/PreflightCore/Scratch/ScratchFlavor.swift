import Foundation

/// The two kinds of server Preflight knows how to start, and their command lines.
public enum ScratchFlavor: Sendable, Equatable {
    case mongod(executable: String)
    case secantus(executable: String)

    public var executable: String {
        switch self {
        case .mongod(let path), .secantus(let path): path
        }
    }

    /// The replica set name a scratch mongod is started and initiated with.
    public static let replicaSetName = "preflight"

    /// The server's arguments for a scratch run in `directory`.
    /// - Parameter port: mongod's port (chosen free beforehand; SecantusDB picks its own
    ///   with `--port 0` and reports it in its log).
    /// - Parameter topology: a standalone, or a one-member replica set (see `ScratchTopology`).
    public func arguments(directory: String, port: Int, topology: ScratchTopology) -> [String] {
        switch self {
        case .mongod:
            // Test commands so fail points work; a small cache because a scratch server
            // holds test data only; for a replica set, its name (it is initiated once up).
            [
                "--dbpath", directory + "/db", "--bind_ip", "127.0.0.1", "--port", String(port),
                "--setParameter", "enableTestCommands=1", "--wiredTigerCacheSizeGB", "0.25", "--nounixsocket",
            ] + (topology == .replicaSet ? ["--replSet", Self.replicaSetName] : [])
        case .secantus:
            // An explicit, empty --config stops SecantusDB from picking up a secantusd.toml
            // from the user's working or home directory. INFO is the level that logs the port.
            // It presents as a one-member replica set unless told otherwise.
            [
                "--config", directory + "/secantusd.toml", "--host", "127.0.0.1", "--port", "0",
                "--storage-path", directory + "/data", "--log-level", "INFO", "--enable-test-commands",
            ] + (topology == .standalone ? ["--standalone"] : [])
        }
    }

    /// Creates what the server expects to find in its directory.
    func prepare(directory: String) throws {
        switch self {
        case .mongod:
            try FileManager.default.createDirectory(atPath: directory + "/db", withIntermediateDirectories: true)
        case .secantus:
            try Data().write(to: URL(fileURLWithPath: directory + "/secantusd.toml"))
        }
    }

    /// The port, from a log line, for servers that choose their own.
    /// SecantusDB logs `secantus listening on 127.0.0.1:41061`.
    static func port(fromLogLine line: String) -> Int? {
        guard let range = line.range(of: "listening on ") else { return nil }
        let address = line[range.upperBound...].prefix { !$0.isWhitespace }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// Finds the server for `choice`.
    /// - Parameters:
    ///   - environment: where `PATH` and `PREFLIGHT_SECANTUSD` are read.
    ///   - searchRoots: directories whose `.venv/bin` may hold `secantusd-py` (the working
    ///     directory and the ones above Preflight's own executable).
    /// - Throws: `ScratchError.notFound` naming every place that was searched.
    public static func locate(
        _ choice: ScratchChoice, environment: [String: String], searchRoots: [String]
    ) throws -> ScratchFlavor {
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func onPath(_ name: String) -> String? {
            path.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        func secantus() -> String? {
            if let explicit = environment["PREFLIGHT_SECANTUSD"], FileManager.default.isExecutableFile(atPath: explicit) {
                return explicit
            }
            for root in searchRoots {
                let candidate = root + "/.venv/bin/secantusd-py"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return onPath("secantusd-py")
        }
        let secantusPlaces = "PREFLIGHT_SECANTUSD, " + searchRoots.map { $0 + "/.venv/bin" }.joined(separator: ", ") + ", PATH"
        switch choice {
        case .automatic:
            if let mongod = onPath("mongod") { return .mongod(executable: mongod) }
            if let found = secantus() { return .secantus(executable: found) }
            throw ScratchError.notFound(wanted: "mongod or secantusd-py", searched: "mongod on PATH; secantusd-py in " + secantusPlaces)
        case .mongod:
            if let mongod = onPath("mongod") { return .mongod(executable: mongod) }
            throw ScratchError.notFound(wanted: "mongod", searched: "PATH")
        case .secantus:
            if let found = secantus() { return .secantus(executable: found) }
            throw ScratchError.notFound(wanted: "secantusd-py", searched: secantusPlaces)
        case .path(let given):
            guard FileManager.default.isExecutableFile(atPath: given) else {
                throw ScratchError.notFound(wanted: given, searched: "the path given to --scratch (it is not an executable file)")
            }
            let name = (given as NSString).lastPathComponent
            return name.contains("mongod") ? .mongod(executable: given) : .secantus(executable: given)
        }
    }
}
