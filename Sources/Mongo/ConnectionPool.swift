import CMongoC
import Foundation

/// A thread-safe pool of libmongoc clients for one URI.
///
/// Each client is used by one thread at a time: borrow one with `withClient`. libmongoc's
/// calls block, so call this from a thread of your own, not from Swift's cooperative pool.
/// Close the pool explicitly with `close()` once every borrowed client is back.
public final class ConnectionPool: @unchecked Sendable {
    // @unchecked: mongoc_client_pool_t is documented thread-safe; the Swift fields are
    // immutable apart from `closed`, which is guarded by `lock`.
    private let pool: OpaquePointer
    private let uri: OpaquePointer
    /// Kept alive here because libmongoc holds an unretained pointer to it.
    private let events: PoolEvents
    private let lock = Mutex()
    private var closed = false

    /// The URI with any password replaced, safe to print.
    public let redactedURI: String
    /// The app name the server sees on every connection (`$currentOp`, logs, and the
    /// `appName` a `failCommand` fail point can be limited to).
    public let appName: String

    /// Opens a pool. Nothing connects until a client runs its first command.
    /// - Parameters:
    ///   - uri: a `mongodb://` or `mongodb+srv://` connection string.
    ///   - monitor: receives every command the pool's clients send.
    ///   - appName: the app name to send, unless the URI names one (the user's choice wins).
    ///   - replacingURIAppName: send `appName` even when the URI names another, for a run
    ///     whose fail points must reach its own connections and nobody else's.
    ///   - serverSelectionTimeoutMS: replaces the URI's, for work that must not wait long.
    /// - Throws: `MongoError` of kind `.client` for a malformed URI.
    /// `--server-timeout`: how long a pool waits for a server when its caller names no
    /// time of its own, over the URI's `serverSelectionTimeoutMS` (libmongoc's 30 s).
    /// Set once, before the first pool opens.
    nonisolated(unsafe) public static var defaultServerSelectionTimeoutMS: Int32?

    public init(
        uri uriString: String, monitor: CommandMonitor? = nil, appName: String = "preflight",
        replacingURIAppName: Bool = false, serverSelectionTimeoutMS: Int32? = nil
    ) throws(MongoError) {
        let uri = try ConnectionString.parse(uriString)
        if replacingURIAppName { _ = mongoc_uri_set_appname(uri, appName) }
        if let timeout = serverSelectionTimeoutMS ?? Self.defaultServerSelectionTimeoutMS {
            _ = mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout)
        }
        guard let pool = mongoc_client_pool_new(uri) else {
            mongoc_uri_destroy(uri)
            throw MongoError(kind: .client, message: "libmongoc could not create a client pool for \(URIRedaction.redact(uriString)).")
        }
        // All of this must happen before the first pop: libmongoc refuses it afterwards. It
        // happens before the stored properties are set, so a failure here never reaches deinit.
        mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        // Returns false when the URI already names an app; the user's choice wins.
        let named = mongoc_uri_get_appname(uri).map { String(cString: $0) }
        if named == nil { _ = mongoc_client_pool_set_appname(pool, appName) }
        let events = PoolEvents(monitor: monitor)
        guard CommandMonitor.install(events, on: pool) else {
            mongoc_client_pool_destroy(pool)
            mongoc_uri_destroy(uri)
            throw MongoError(kind: .client, message: "libmongoc refused the command monitoring callbacks.")
        }
        self.uri = uri
        self.pool = pool
        self.events = events
        self.redactedURI = URIRedaction.redact(uriString)
        self.appName = named ?? appName
    }

    /// How long the pool's clients wait for a server, in milliseconds.
    public var serverSelectionTimeoutMS: Int32 {
        mongoc_uri_get_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 30_000)
    }

    /// Lends a client to `body` and returns it to the pool afterwards. Blocks while the
    /// pool is exhausted (libmongoc's `maxPoolSize`, 100 by default).
    ///
    /// The client, and any cursor or session made from it, must not escape `body`.
    public func withClient<T>(_ body: (MongoClient) throws -> T) throws -> T {
        let pointer: OpaquePointer? = lock.withLock { closed ? nil : mongoc_client_pool_pop(pool) }
        guard let pointer else {
            throw MongoError(kind: .client, message: "The connection pool for \(redactedURI) is closed.")
        }
        let handles = CollectionHandles(client: pointer)
        defer {
            handles.destroyAll()
            mongoc_client_pool_push(pool, pointer)
        }
        return try body(MongoClient(pointer, handles: handles))
    }

    /// Lends `count` clients at once, or throws at once when the pool cannot spare them:
    /// taking them one by one could leave threads each holding some and waiting forever
    /// for the rest. None of them may escape `body`.
    public func withClients<T>(_ count: Int, _ body: ([MongoClient]) throws -> T) throws -> T {
        var pointers: [OpaquePointer] = []
        var handles: [CollectionHandles] = []
        defer {
            handles.forEach { $0.destroyAll() }
            pointers.forEach { mongoc_client_pool_push(pool, $0) }
        }
        let open = lock.withLock { () -> Bool in
            guard !closed else { return false }
            while pointers.count < count, let pointer = mongoc_client_pool_try_pop(pool) { pointers.append(pointer) }
            return true
        }
        guard open else {
            throw MongoError(kind: .client, message: "The connection pool for \(redactedURI) is closed.")
        }
        guard pointers.count == count else {
            throw MongoError(
                kind: .client,
                message: "\(count) connections are needed at once, and the pool for \(redactedURI) has only \(pointers.count) free (its maxPoolSize is too small).")
        }
        handles = pointers.map { CollectionHandles(client: $0) }
        return try body(zip(pointers, handles).map { MongoClient($0, handles: $1) })
    }

    /// Closes the pool: once the server has been told its sessions are over, this returns,
    /// and the connections and libmongoc's monitor threads are let go in the background
    /// (see `PoolClosing`). Call once, after all borrowed clients are back.
    public func close() {
        close(waitingForSessionsToEnd: true)
    }

    /// Closes the pool without waiting for a server that is gone. libmongoc ends the
    /// pool's server sessions as it closes (`endSessions`), and with no server to send
    /// them to that waits out a whole server selection timeout: here that goes on in a
    /// thread of its own, and the pool is closed to its users at once. `preflight` leaves
    /// without waiting for it (see `PoolClosing.running`).
    public func closeWithoutWaiting() {
        close(waitingForSessionsToEnd: false)
    }

    private func close(waitingForSessionsToEnd wait: Bool) {
        let open = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard open else { return }
        // The thread holds `self`, and with it the monitor libmongoc may still call.
        events.closing.close(wait: wait) { self.destroy() }
    }

    private func destroy() {
        mongoc_client_pool_destroy(pool)
        mongoc_uri_destroy(uri)
    }

    deinit {
        assert(closed, "ConnectionPool for \(redactedURI) was not closed")
        if !closed { destroy() }
    }
}
