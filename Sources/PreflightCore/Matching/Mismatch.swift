import Mongo

/// Why an expected value did not match the actual one: where, and both sides.
///
/// Reads as `orders[0].billed_month: expected "2026-01", got null`.
public struct Mismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path where matching failed, e.g. `orders[0].billed_month`.
    public var path: String
    /// What was wrong there, with both sides in relaxed Extended JSON.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
