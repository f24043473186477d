import Mongo

/// What the connection's user may do, read once before any check with `connectionStatus`
/// (`showPrivileges`), so an item that needs more is reported unknown with the role
/// missing, instead of failing later with an authorization error.
public struct Privileges: Sendable {
    public enum Need: Sendable, Equatable {
        /// `getParameter`, `currentOp`: the `clusterMonitor` role.
        case clusterMonitor
        /// `find`, `listIndexes`, `listCollections` on the database.
        case read(database: String)
        /// Creating, writing and dropping `pf_…` sandbox databases, whose names are not
        /// known in advance: any-database roles.
        case sandboxes
    }

    /// Roles as `role@db`; nil when nobody is authenticated (access control may be off:
    /// nothing to check against, so each command is tried and a refusal reported).
    public let roles: [(role: String, db: String)]?
    /// Why the privileges could not be read, when they could not.
    public let unreadable: String?

    public init(roles: [(role: String, db: String)]?, unreadable: String? = nil) {
        self.roles = roles
        self.unreadable = unreadable
    }

    /// Reads them; a server that refuses `connectionStatus` yields privileges that say why.
    public static func read(_ client: MongoClient) -> Privileges {
        do {
            let reply = try client.runCommand(["connectionStatus": 1, "showPrivileges": true], on: "admin")
            return parse(reply)
        } catch {
            return Privileges(roles: [], unreadable: "connectionStatus was refused (\(error.message)); the connection may not be authenticated")
        }
    }

    /// The roles of a `connectionStatus` reply.
    public static func parse(_ reply: BSONDocument) -> Privileges {
        let info = reply["authInfo"]?.documentValue ?? [:]
        let users = info["authenticatedUsers"]?.arrayValue ?? []
        guard !users.isEmpty else { return Privileges(roles: nil) }
        let roles = (info["authenticatedUserRoles"]?.arrayValue ?? []).compactMap { value -> (String, String)? in
            guard let role = value.documentValue, let name = role["role"]?.stringValue, let db = role["db"]?.stringValue else { return nil }
            return (name, db)
        }
        return Privileges(roles: roles)
    }

    /// The role to grant for `need`, in words, or nil when the user has what it takes (or
    /// nobody is authenticated, and the server will say).
    public func missing(_ need: Need) -> String? {
        if let unreadable { return "the privileges could not be read: \(unreadable)" }
        guard let roles else { return nil }
        func has(_ names: [String], on db: String? = nil) -> Bool {
            roles.contains { names.contains($0.role) && (db == nil || $0.db == db) }
        }
        if has(["root", "__system"], on: "admin") { return nil }
        switch need {
        case .clusterMonitor:
            return has(["clusterMonitor", "clusterManager", "clusterAdmin"], on: "admin")
                ? nil : "the role clusterMonitor on admin (it reads the feature compatibility version and the operations in progress)"
        case .read(let database):
            if has(["readAnyDatabase", "readWriteAnyDatabase", "backup"], on: "admin") { return nil }
            if has(["read", "readWrite", "dbOwner"], on: database) { return nil }
            return "the role read on \(database) (or readAnyDatabase)"
        case .sandboxes:
            let write = has(["readWriteAnyDatabase"], on: "admin")
            let drop = has(["dbAdminAnyDatabase"], on: "admin")
            if write && drop { return nil }
            return "the roles readWriteAnyDatabase and dbAdminAnyDatabase on admin (sandbox databases pf_… are created, written and dropped, and recorded in preflight_sandboxes), or a test server"
        }
    }

    /// `read@earlybird, clusterMonitor@admin`, for the evidence.
    public var description: String {
        if let unreadable { return "unreadable: \(unreadable)" }
        guard let roles else { return "no authenticated user (access control off, or not logged in)" }
        return roles.isEmpty ? "no roles" : roles.map { "\($0.role)@\($0.db)" }.joined(separator: ", ")
    }
}
