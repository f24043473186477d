import Foundation
import Mongo

#if canImport(Glibc)
    import Glibc
#endif

/// The `services` of one file: started before its first test, each on a free port and
/// with the sandbox's connection, waited for until ready, and stopped after its last
/// test (the process group, SIGTERM then SIGKILL), also on Ctrl-C and when Preflight dies.
final class ServiceGroup: @unchecked Sendable {
    // @unchecked: `running` is set in `start` before the group is shared; each log is locked.
    final class Running: @unchecked Sendable {
        let spec: ServiceSpec
        let port: Int
        var process: ChildProcess?
        let log = ServiceLog()

        init(spec: ServiceSpec, port: Int) {
            self.spec = spec
            self.port = port
        }
    }

    private(set) var running: [Running] = []

    /// Starts every service, in the order written, each ready before the next starts.
    /// - Throws: `RunFailure.errored` naming the service that exited or was late, with its
    ///   command line, exit status and last 40 log lines; those started are stopped.
    static func start(_ specs: [ServiceSpec], context: inout ProgramContext, scope: VariableScope) throws -> ServiceGroup {
        let group = ServiceGroup()
        // Every port is known before any service starts: one may be given another's.
        for spec in specs {
            guard let port = try? FreePort.find() else {
                throw RunFailure.errored(TestProblem(type: "service", message: "service \(spec.name): no free port on 127.0.0.1"))
            }
            group.running.append(Running(spec: spec, port: port))
            context.ports[spec.name] = port
        }
        scope.set(VariableName.builtIn, context.variable)
        do {
            for service in group.running { try group.launch(service, context: context, scope: scope) }
        } catch {
            group.stop()
            throw error
        }
        context.services = group
        return group
    }

    private func launch(_ service: Running, context: ProgramContext, scope: VariableScope) throws {
        let spec = service.spec
        let label = "service \(spec.name) (\(spec.path))"
        let arguments = try ProgramContext.strings(spec.arguments.enumerated().map { ("argument \($0.offset)", $0.element) }, scope, what: "\(label):").map(\.1)
        let extra = try ProgramContext.strings(spec.environment.elements.map { ($0.key, $0.value) }, scope, what: "\(label): env")
        let log = service.log
        if case .log(let pattern) = spec.ready, let regex = try? Regex(pattern) { log.expect(regex) }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                arguments, environment: context.environment(Dictionary(extra, uniquingKeysWith: { $1 }), port: service.port),
                directory: spec.directory, stdin: nil, mergeOutput: true, onLine: { log.add($0) })
        } catch {
            throw RunFailure.errored(TestProblem(type: "service", message: "\(label): \(error)"))
        }
        service.process = process
        let readyURL: String? = if case .http(let url) = spec.ready { try ProgramContext.filledURL(url, scope) } else { nil }
        let started = Date()
        let deadline = started.addingTimeInterval(Double(spec.readyTimeoutMS) / 1000)
        while true {
            if let status = process.exitStatus {
                process.stdout.waitForEnd(until: Date().addingTimeInterval(1))
                throw failure(service, "exited with status \(status) before it was ready", started: started)
            }
            if isReady(service, url: readyURL) { return }
            guard Date() < deadline else {
                throw failure(service, "was not ready within \(spec.readyTimeoutMS) ms (\(Self.describe(spec.ready, url: readyURL, port: service.port)))", started: started)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private func isReady(_ service: Running, url: String?) -> Bool {
        switch service.spec.ready {
        case .http:
            guard let url, let response = try? HTTPClient.send(method: "GET", url: url, headers: [], body: nil, timeoutMS: 1000) else { return false }
            return (200...299).contains(response.status)
        case .tcp:
            return Self.accepts(port: service.port)
        case .log:
            return service.log.matched
        }
    }

    private func failure(_ service: Running, _ what: String, started: Date) -> RunFailure {
        let commandLine = service.process?.commandLine ?? ""
        return .errored(TestProblem(
            type: "service",
            message: "service \(service.spec.name) (\(service.spec.path)) \(what); no test of this file ran",
            details: "command: \(commandLine)\nport: \(service.port)\nlast 40 lines of its output:\n" + service.log.tail))
    }

    /// Stops every service, the last started first; waits until each is gone.
    func stop() {
        for service in running.reversed() { service.process?.stop(grace: 5) }
    }

    /// The services that have ended while the file still runs, as a message says it.
    var ended: [String] {
        running.compactMap { service in service.process?.exitStatus.map { "service \(service.spec.name) had exited with status \($0)" } }
    }

    /// Each service's last 40 lines, for a failing test's output.
    var logs: String {
        running.map { "service \($0.spec.name) (port \($0.port)), its last 40 lines:\n" + $0.log.tail }.joined(separator: "\n")
    }

    static func describe(_ ready: ServiceSpec.Readiness, url: String?, port: Int) -> String {
        switch ready {
        case .http: "waiting for GET \(url ?? "") to answer 2xx"
        case .tcp: "waiting for 127.0.0.1:\(port) to accept a connection"
        case .log(let pattern): "waiting for a line of its output to match /\(pattern)/"
        }
    }

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// A service's output: its last 40 lines, and whether a line matched its readiness pattern.
final class ServiceLog: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    private let lock = NSLock()
    private var lines: [String] = []
    private var pattern: Regex<AnyRegexOutput>?
    private var found = false

    func expect(_ pattern: Regex<AnyRegexOutput>) {
        lock.withLock { self.pattern = pattern }
    }

    func add(_ line: String) {
        lock.withLock {
            lines.append(line)
            if lines.count > 40 { lines.removeFirst(lines.count - 40) }
            if !found, let pattern, (try? pattern.firstMatch(in: line)) != nil { found = true }
        }
    }

    var matched: Bool { lock.withLock { found } }
    var tail: String { lock.withLock { lines.map { "  " + $0 }.joined(separator: "\n") } }
}
