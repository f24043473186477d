import Mongo

/// An `exec` step: a program run to its end, its argument list exactly as written (no
/// shell unless the first argument names one).
public struct ExecStep: Sendable {
    /// The program as written, then its arguments: strings, integers or `$$var`.
    public var arguments: [BSON]
    /// Added to the program's environment, over Preflight's own and the sandbox's.
    public var environment: BSONDocument
    /// Absolute; the scenario file's directory when the step names none.
    public var directory: String
    /// A string or `$$var`, written to the program's standard input.
    public var stdin: BSON?
    public var timeoutMS: Int
    public var expect: BSON?
    public var save: SaveTarget?

    public var program: String { arguments.first?.stringValue ?? "" }

    /// The keys of an `exec` step's result.
    static let resultKeys = ["exitCode", "stdout", "stderr", "json"]
    static let defaultTimeoutMS = 60_000
}

/// An `http` step: one request to a service (or any `http://` URL), its reply the result.
public struct HTTPStep: Sendable {
    public enum Body: Sendable {
        /// Sent as Extended JSON (relaxed), with `Content-Type: application/json`
        /// unless the step's headers give one.
        case json(BSON)
        /// A string (or `$$var` holding one), sent as it is.
        case text(BSON)
    }

    public var method: String
    /// May hold `{name}` placeholders, replaced by variables (`{preflight.ports.api}`).
    public var url: String
    public var headers: BSONDocument
    public var body: Body?
    public var timeoutMS: Int
    public var expect: BSON?
    public var save: SaveTarget?

    static let resultKeys = ["status", "headers", "json", "body"]
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let defaultTimeoutMS = 30_000
}

/// A program a sandbox file starts before its first test and stops after its last: the
/// application under test.
public struct ServiceSpec: Sendable {
    public enum Readiness: Sendable {
        /// A URL (it may use `{preflight.ports.NAME}`) answering 2xx to GET.
        case http(String)
        /// The service's port accepting a TCP connection.
        case tcp
        /// A line of the service's output matching this regular expression.
        case log(String)
    }

    public var name: String
    public var arguments: [BSON]
    public var environment: BSONDocument
    public var directory: String
    public var ready: Readiness
    public var readyTimeoutMS: Int
    public var path: JSONPath

    public var program: String { arguments.first?.stringValue ?? "" }
    static let defaultReadyTimeoutMS = 30_000
}
