import CMongoC

/// A logical session on a borrowed client: the unit of causal consistency and transactions.
///
/// Made by `MongoClient.startSession` or lent by `withSession`; it must be ended before
/// its client goes back to the pool, and used on that client's thread only.
public final class ClientSession {
    let pointer: OpaquePointer
    private var ended = false

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        end()
    }

    /// Ends the session; a transaction still open is aborted by the server-side cleanup.
    public func end() {
        guard !ended else { return }
        ended = true
        mongoc_client_session_destroy(pointer)
    }

    public var isInTransaction: Bool {
        mongoc_client_session_in_transaction(pointer)
    }

    /// Starts a transaction; operations given this session join it until commit or abort.
    public func startTransaction(_ options: TransactionOptions = TransactionOptions()) throws(MongoError) {
        let opts = try options.makeOpts()
        defer { mongoc_transaction_opts_destroy(opts) }
        try checked { error in mongoc_client_session_start_transaction(pointer, opts, error) }
    }

    /// Commits the open transaction. On failure the error carries the server's labels:
    /// `UnknownTransactionCommitResult` means the commit may be retried.
    public func commitTransaction() throws(MongoError) {
        _ = try checkedReply { reply, error in mongoc_client_session_commit_transaction(pointer, reply, error) }
    }

    /// Aborts the open transaction. libmongoc ignores server errors here, as the spec says.
    public func abortTransaction() throws(MongoError) {
        try checked { error in mongoc_client_session_abort_transaction(pointer, error) }
    }
}

/// Read and write concern for a transaction, as a scenario's `options` spells them.
public struct TransactionOptions: Sendable {
    /// `local`, `majority`, `snapshot`, …
    public var readConcern: String?
    public var writeConcern: WriteConcern?
    public var maxCommitTimeMS: Int64?

    public init(readConcern: String? = nil, writeConcern: WriteConcern? = nil, maxCommitTimeMS: Int64? = nil) {
        self.readConcern = readConcern
        self.writeConcern = writeConcern
        self.maxCommitTimeMS = maxCommitTimeMS
    }

    /// A new `mongoc_transaction_opt_t` the caller must destroy.
    func makeOpts() throws(MongoError) -> OpaquePointer {
        guard let opts = mongoc_transaction_opts_new() else {
            throw MongoError(kind: .client, message: "libmongoc could not allocate transaction options.")
        }
        if let readConcern, let concern = mongoc_read_concern_new() {
            mongoc_read_concern_set_level(concern, readConcern)
            mongoc_transaction_opts_set_read_concern(opts, concern)
            mongoc_read_concern_destroy(concern)
        }
        if let writeConcern, let concern = mongoc_write_concern_new() {
            writeConcern.apply(to: concern)
            mongoc_transaction_opts_set_write_concern(opts, concern)
            mongoc_write_concern_destroy(concern)
        }
        if let maxCommitTimeMS {
            mongoc_transaction_opts_set_max_commit_time_ms(opts, maxCommitTimeMS)
        }
        return opts
    }
}

/// `{w, j, wtimeout}`.
public struct WriteConcern: Sendable, Equatable {
    public enum Acknowledgement: Sendable, Equatable {
        case nodes(Int32)
        case majority
        case tag(String)
    }

    public var w: Acknowledgement?
    public var journal: Bool?
    public var timeoutMS: Int64?

    public init(w: Acknowledgement? = nil, journal: Bool? = nil, timeoutMS: Int64? = nil) {
        self.w = w
        self.journal = journal
        self.timeoutMS = timeoutMS
    }

    func apply(to concern: OpaquePointer) {
        switch w {
        case .nodes(let count): mongoc_write_concern_set_w(concern, count)
        case .majority: mongoc_write_concern_set_wmajority(concern, Int32(timeoutMS ?? 0))
        case .tag(let tag): mongoc_write_concern_set_wtag(concern, tag)
        case nil: break
        }
        if let journal { mongoc_write_concern_set_journal(concern, journal) }
        if let timeoutMS { mongoc_write_concern_set_wtimeout_int64(concern, timeoutMS) }
    }
}
