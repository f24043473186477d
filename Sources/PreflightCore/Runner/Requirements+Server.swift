import Mongo

extension Requirements {
    /// Why `facts` do not meet these requirements, or nil when they do.
    func unmetReason(on facts: ServerFacts) -> String? {
        if let minimum = minServerVersion, ServerFacts.compare(facts.version, minimum) < 0 {
            return "needs server version \(minimum) or later; this server is \(facts.version)"
        }
        if let maximum = maxServerVersion {
            // "6.0" allows every 6.0.x: compare only as many parts as the limit names.
            let parts = ServerFacts.components(maximum).count
            let server = ServerFacts.components(facts.version).prefix(parts).map(String.init).joined(separator: ".")
            if ServerFacts.compare(server, maximum) > 0 {
                return "needs server version \(maximum) or earlier; this server is \(facts.version)"
            }
        }
        if let topologies, !topologies.contains(facts.topology.rawValue) {
            return "needs a \(topologies.joined(separator: " or ")) deployment; this server is \(facts.topology.rawValue)"
        }
        if failPoints && !facts.failPointsAvailable {
            return "needs fail points (configureFailPoint); this server does not accept them (mongod needs --setParameter enableTestCommands=1)"
        }
        return nil
    }
}
