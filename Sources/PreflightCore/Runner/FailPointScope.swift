import Foundation
import Mongo

/// Keeps a `failCommand` fail point to Preflight's own connections.
enum FailPointScope {
    /// `command` with `data.appName` set to the run's own app name: the fail point then
    /// fails only this run's commands, never another client's on a shared server. (A
    /// scenario cannot choose the app name; the loader refuses it.)
    static func limited(_ command: BSONDocument, to appName: String) -> BSONDocument {
        guard command["configureFailPoint"]?.stringValue == "failCommand" else { return command }
        var data = command["data"]?.documentValue ?? [:]
        data["appName"] = .string(appName)
        var limited = command
        limited["data"] = .document(data)
        return limited
    }
}
