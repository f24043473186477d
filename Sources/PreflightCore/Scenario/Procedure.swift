import Mongo

/// Named steps with parameters, called with `run`.
public struct Procedure: Sendable {
    public var name: String
    public var params: [String]
    public var steps: [Step]
}
