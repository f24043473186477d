import Mongo

/// Index builds among `currentOp`'s operations: a `createIndexes` command on one of the
/// namespaces (the command names its collection; `$db` or `ns` its database), or an
/// operation whose `msg` says "Index Build".
public enum IndexBuilds {
    /// One line per build found: `earlybird.orders (createIndexes, 42 s)`.
    public static func inProgress(_ operations: [BSON], on namespaces: [String]) -> [String] {
        operations.compactMap { value -> String? in
            guard let operation = value.documentValue else { return nil }
            let command = operation["command"]?.documentValue ?? [:]
            let ns = operation["ns"]?.stringValue ?? ""
            var namespace: String?
            if let collection = command["createIndexes"]?.stringValue {
                let database = command["$db"]?.stringValue ?? ns.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
                namespace = "\(database).\(collection)"
            } else if operation["msg"]?.stringValue?.hasPrefix("Index Build") == true {
                namespace = ns
            }
            guard let namespace, namespaces.contains(namespace) else { return nil }
            let seconds = operation["secs_running"]?.integerValue.map { ", \($0) s" } ?? ""
            return "\(namespace) (\(operation["msg"]?.stringValue ?? "createIndexes")\(seconds))"
        }
    }
}
