import CMongoC

/// Receives every command a pool's clients send, with its reply or failure and duration.
///
/// Set it when the pool is made; libmongoc calls it on whichever thread ran the command,
/// so the handler must be thread-safe.
public final class CommandMonitor: Sendable {
    let handler: @Sendable (CommandEvent) -> Void

    public init(_ handler: @escaping @Sendable (CommandEvent) -> Void) {
        self.handler = handler
    }

    /// Installs the three callbacks on `pool`, with `context` as theirs: its monitor, if
    /// any, sees every command; its `closing` learns what closing the pool must wait for.
    /// The pool keeps `context` alive for as long as the callbacks can fire.
    static func install(_ context: PoolEvents, on pool: OpaquePointer) -> Bool {
        guard let callbacks = mongoc_apm_callbacks_new() else { return false }
        defer { mongoc_apm_callbacks_destroy(callbacks) }
        mongoc_apm_set_command_started_cb(callbacks) { event in
            guard let event, let context = PoolEvents.from(mongoc_apm_command_started_get_context(event)) else { return }
            context.closing.started(mongoc_apm_command_started_get_command(event))
            guard let monitor = context.monitor else { return }
            let command = EventDocument(copying: mongoc_apm_command_started_get_command(event))
            monitor.handler(
                CommandEvent(
                    commandName: CommandNames.string(mongoc_apm_command_started_get_command_name(event)),
                    requestID: mongoc_apm_command_started_get_request_id(event),
                    operationID: mongoc_apm_command_started_get_operation_id(event),
                    host: CommandMonitor.host(mongoc_apm_command_started_get_host(event)),
                    outcome: .started(
                        command: command,
                        databaseName: String(cString: mongoc_apm_command_started_get_database_name(event)))))
        }
        mongoc_apm_set_command_succeeded_cb(callbacks) { event in
            guard let event, let context = PoolEvents.from(mongoc_apm_command_succeeded_get_context(event)) else { return }
            context.closing.finished(mongoc_apm_command_succeeded_get_command_name(event))
            guard let monitor = context.monitor else { return }
            let reply = EventDocument(copying: mongoc_apm_command_succeeded_get_reply(event))
            monitor.handler(
                CommandEvent(
                    commandName: CommandNames.string(mongoc_apm_command_succeeded_get_command_name(event)),
                    requestID: mongoc_apm_command_succeeded_get_request_id(event),
                    operationID: mongoc_apm_command_succeeded_get_operation_id(event),
                    host: CommandMonitor.host(mongoc_apm_command_succeeded_get_host(event)),
                    outcome: .succeeded(reply: reply, microseconds: mongoc_apm_command_succeeded_get_duration(event))))
        }
        mongoc_apm_set_command_failed_cb(callbacks) { event in
            guard let event, let context = PoolEvents.from(mongoc_apm_command_failed_get_context(event)) else { return }
            context.closing.finished(mongoc_apm_command_failed_get_command_name(event))
            guard let monitor = context.monitor else { return }
            var error = bson_error_t()
            mongoc_apm_command_failed_get_error(event, &error)
            let reply = EventDocument(copying: mongoc_apm_command_failed_get_reply(event))
            monitor.handler(
                CommandEvent(
                    commandName: CommandNames.string(mongoc_apm_command_failed_get_command_name(event)),
                    requestID: mongoc_apm_command_failed_get_request_id(event),
                    operationID: mongoc_apm_command_failed_get_operation_id(event),
                    host: CommandMonitor.host(mongoc_apm_command_failed_get_host(event)),
                    outcome: .failed(
                        message: MongoError(error).message, reply: reply,
                        microseconds: mongoc_apm_command_failed_get_duration(event))))
        }
        return mongoc_client_pool_set_apm_callbacks(pool, callbacks, Unmanaged.passUnretained(context).toOpaque())
    }

    private static func host(_ host: UnsafePointer<mongoc_host_list_t>?) -> String {
        guard let host, let offset = MemoryLayout<mongoc_host_list_t>.offset(of: \.host_and_port) else { return "" }
        // Read in place, up to its terminating zero and never past the field: `host.pointee`
        // copies the whole entry (both its names, over 500 bytes) first, twice per command.
        let field = (UnsafeRawPointer(host) + offset).assumingMemoryBound(to: CChar.self)
        let length = strnlen(field, hostAndPortCapacity)
        return String(decoding: UnsafeRawBufferPointer(start: field, count: length), as: UTF8.self)
    }

    private static let hostAndPortCapacity = MemoryLayout.size(ofValue: mongoc_host_list_t().host_and_port)
}

/// What a pool's monitoring callbacks report to: the user's monitor, and the pool's closing.
final class PoolEvents: Sendable {
    let monitor: CommandMonitor?
    let closing = PoolClosing()

    init(monitor: CommandMonitor?) {
        self.monitor = monitor
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> PoolEvents? {
        context.map { Unmanaged<PoolEvents>.fromOpaque($0).takeUnretainedValue() }
    }
}
