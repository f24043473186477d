import Foundation
import Mongo

/// The fail points a test set, so they are switched off when it ends, pass or fail: a
/// fail point left on would break the next test, or the next run on a shared server.
final class FailPointSwitch: @unchecked Sendable {
    // @unchecked: `names` is guarded by `lock`; parallel branches may set fail points.
    private let lock = NSLock()
    private var names: [String] = []

    func remember(_ name: String) {
        lock.withLock { if !names.contains(name) { names.append(name) } }
    }

    /// Switches every remembered fail point off.
    /// - Returns: the problems, if a fail point could not be switched off.
    func switchOff(using client: MongoClient) -> [String] {
        let names = lock.withLock { () -> [String] in
            defer { self.names = [] }
            return self.names
        }
        var problems: [String] = []
        for name in names {
            do {
                try client.runCommand(["configureFailPoint": .string(name), "mode": "off"], on: "admin")
            } catch {
                problems.append("The fail point \"\(name)\" could not be switched off: \(error.message)")
            }
        }
        return problems
    }
}
