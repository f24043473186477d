import Mongo

/// What a scenario needs of the server; when unmet, its tests are skipped with the reason.
public struct Requirements: Sendable, Equatable {
    public var minServerVersion: String?
    public var maxServerVersion: String?
    /// `single`, `replicaset`, `sharded`; nil means any.
    public var topologies: [String]?
    public var failPoints: Bool

    public init(minServerVersion: String? = nil, maxServerVersion: String? = nil, topologies: [String]? = nil, failPoints: Bool = false) {
        self.minServerVersion = minServerVersion
        self.maxServerVersion = maxServerVersion
        self.topologies = topologies
        self.failPoints = failPoints
    }
}
