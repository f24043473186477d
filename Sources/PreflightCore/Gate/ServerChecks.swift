import Foundation
import Mongo

/// The `server` section against the server: version, feature compatibility version,
/// topology, collections, indexes, index builds in progress, validators. Only reads.
struct ServerChecks {
    let requirements: ServerRequirements
    let database: String
    let client: MongoClient
    let facts: ServerFacts
    let privileges: Privileges
    /// A scratch server Preflight loaded itself: no index build of anyone else's can be running.
    let onScratch: Bool

    func run() -> [GateItem] {
        var items: [GateItem] = []
        func add(_ name: String, _ body: () -> (GateItem.Outcome, String, String)) {
            let started = Date()
            let (outcome, reason, details) = body()
            var item = GateItem(section: .server, name: name, outcome: outcome, reason: reason)
            item.details = details
            item.policy = requirements.policies[name] ?? ItemPolicy()
            item.duration = Date().timeIntervalSince(started)
            items.append(item)
        }
        if let minimum = requirements.minVersion {
            add("minVersion") {
                if ServerFacts.compare(facts.version, minimum) < 0 {
                    return (.failed, "the server runs \(facts.version); the release needs at least \(minimum)", "")
                }
                // Through mongos, buildInfo is the router's version; the shards may be older.
                if facts.topology == .sharded {
                    return (.unknown, "mongos runs \(facts.version), at least \(minimum), but the shards' versions cannot be read through it; check each shard", "")
                }
                return (.passed, "the server runs \(facts.version), at least \(minimum)", "")
            }
        }
        if let minimum = requirements.featureCompatibilityVersion { add("featureCompatibilityVersion") { fcv(minimum) } }
        if let allowed = requirements.topologies {
            add("topology") {
                allowed.contains(facts.topology.rawValue)
                    ? (.passed, "the topology is \(facts.topology.rawValue)", "")
                    : (.failed, "the topology is \(facts.topology.rawValue); the release needs \(allowed.joined(separator: " or "))", "")
            }
        }
        var existing: [String: BSONDocument]?
        if !requirements.collections.isEmpty || !requirements.validators.isEmpty {
            existing = try? collections()
        }
        if !requirements.collections.isEmpty {
            add("collections") { collectionsCheck(existing) }
        }
        if !requirements.indexes.isEmpty {
            add("indexes") { indexesCheck() }
            add("indexBuilds") { indexBuildsCheck() }
        }
        if !requirements.validators.isEmpty {
            add("validators") { validatorsCheck(existing) }
        }
        return items
    }

    /// The items `requirements` asks for, in the order `run` checks them.
    static func names(of requirements: ServerRequirements) -> [String] {
        var names: [String] = []
        if requirements.minVersion != nil { names.append("minVersion") }
        if requirements.featureCompatibilityVersion != nil { names.append("featureCompatibilityVersion") }
        if requirements.topologies != nil { names.append("topology") }
        if !requirements.collections.isEmpty { names.append("collections") }
        if !requirements.indexes.isEmpty { names += ["indexes", "indexBuilds"] }
        if !requirements.validators.isEmpty { names.append("validators") }
        return names
    }

    // MARK: - Each check

    private func fcv(_ minimum: String) -> (GateItem.Outcome, String, String) {
        if facts.topology == .sharded {
            // mongos does not answer getParameter for it; each shard would have to be asked.
            return (.unknown, "the feature compatibility version cannot be read through mongos; check it on each shard", "")
        }
        if let missing = privileges.missing(.clusterMonitor) {
            return (.unknown, "the feature compatibility version could not be read: the user lacks \(missing)", "")
        }
        do {
            let reply = try client.runCommand(["getParameter": 1, "featureCompatibilityVersion": 1], on: "admin")
            guard let version = reply["featureCompatibilityVersion"]?.documentValue?["version"]?.stringValue else {
                return (.unknown, "the server's reply holds no featureCompatibilityVersion.version", Self.clip(reply))
            }
            return ServerFacts.compare(version, minimum) >= 0
                ? (.passed, "the feature compatibility version is \(version), at least \(minimum)", "")
                : (.failed, "the feature compatibility version is \(version); the release needs at least \(minimum) (setFeatureCompatibilityVersion)", "")
        } catch {
            return unknown("reading the feature compatibility version", error)
        }
    }

    private func collectionsCheck(_ existing: [String: BSONDocument]?) -> (GateItem.Outcome, String, String) {
        if let missing = privileges.missing(.read(database: database)) {
            return (.unknown, "the collections could not be listed: the user lacks \(missing)", "")
        }
        guard let existing else {
            do { _ = try collections() } catch { return unknown("listing the collections of \(database)", error) }
            return (.unknown, "the collections of \(database) could not be listed", "")
        }
        let absent = requirements.collections.filter { existing[$0] == nil }
        return absent.isEmpty
            ? (.passed, "\(database) has all \(requirements.collections.count) collections", requirements.collections.joined(separator: ", "))
            : (.failed, "\(database) lacks \(absent.count) of \(requirements.collections.count) collections: \(absent.joined(separator: ", "))", "")
    }

    private func indexesCheck() -> (GateItem.Outcome, String, String) {
        if let missing = privileges.missing(.read(database: database)) {
            return (.unknown, "the indexes could not be listed: the user lacks \(missing)", "")
        }
        var problems: [String] = []
        var found: [String] = []
        var total = 0
        for (collection, required) in requirements.indexes {
            let present: [BSONDocument]
            do {
                present = try client.collection(collection, in: database).listIndexes()
            } catch where error.code == 26 {  // NamespaceNotFound: no collection, so no index
                present = []
            } catch {
                return unknown("listing the indexes of \(database).\(collection)", error)
            }
            for requirement in required {
                total += 1
                if let match = IndexMatch.find(requirement, in: present) {
                    found.append("\(collection) \(requirement.description): \(match)")
                } else {
                    problems.append("\(collection) \(requirement.description) \(IndexMatch.why(requirement, in: present))")
                }
            }
        }
        let details = (problems.map { "✗ " + $0 } + found.map { "✓ " + $0 }).joined(separator: "\n")
        return problems.isEmpty
            ? (.passed, "all \(total) required indexes are present", details)
            : (.failed, "\(problems.count) of \(total) required indexes \(problems.count == 1 ? "is" : "are") missing or different: " + problems.joined(separator: "; "), details)
    }

    private func indexBuildsCheck() -> (GateItem.Outcome, String, String) {
        let namespaces = requirements.indexes.map { "\(database).\($0.collection)" }
        if onScratch {
            return (.passed, "no index build in progress: the scratch server's indexes were built by Preflight before the checks", "")
        }
        if facts.isSecantus {
            return (.unknown, "SecantusDB's currentOp does not report index builds, so builds in progress cannot be seen; on a test server, say so: \"server\": {\"policies\": {\"indexBuilds\": {\"onUnknown\": \"warn\", \"reason\": \"…\"}}}", "")
        }
        if let missing = privileges.missing(.clusterMonitor) {
            return (.unknown, "the operations in progress could not be read: the user lacks \(missing)", "")
        }
        do {
            let reply = try client.runCommand(["currentOp": 1, "$all": true], on: "admin")
            let builds = IndexBuilds.inProgress(reply["inprog"]?.arrayValue ?? [], on: namespaces)
            return builds.isEmpty
                ? (.passed, "no index build in progress on \(namespaces.joined(separator: ", "))", "")
                : (.failed, "\(builds.count) index build\(builds.count == 1 ? "" : "s") in progress: \(builds.joined(separator: "; ")); deploy once \(builds.count == 1 ? "it has" : "they have") finished", "")
        } catch {
            return unknown("reading the operations in progress", error)
        }
    }

    private func validatorsCheck(_ existing: [String: BSONDocument]?) -> (GateItem.Outcome, String, String) {
        if let missing = privileges.missing(.read(database: database)) {
            return (.unknown, "the validators could not be read: the user lacks \(missing)", "")
        }
        guard let existing else {
            do { _ = try collections() } catch { return unknown("listing the collections of \(database)", error) }
            return (.unknown, "the collections of \(database) could not be listed", "")
        }
        var problems: [String] = []
        for (collection, expected) in requirements.validators {
            guard let options = existing[collection] else {
                problems.append("\(collection): no such collection")
                continue
            }
            let actual = options["validator"]?.documentValue
            if actual == nil || !BSON.document(actual ?? [:]).isIdentical(to: .document(expected)) {
                problems.append("\(collection): expected \(Failures.clip(BSON.document(expected).extendedJSON(.relaxed))), got "
                    + (actual.map { Failures.clip(BSON.document($0).extendedJSON(.relaxed)) } ?? "no validator"))
                continue
            }
            // A validator that only warns, or is off, lets any document in.
            if options["validationLevel"]?.stringValue == "off" {
                problems.append("\(collection): the validator is there but validationLevel is \"off\": nothing is validated")
            } else if options["validationAction"]?.stringValue == "warn" {
                problems.append("\(collection): the validator is there but validationAction is \"warn\": invalid documents are written anyway")
            }
        }
        return problems.isEmpty
            ? (.passed, "\(requirements.validators.count) collection\(requirements.validators.count == 1 ? " has its" : "s have their") validator", "")
            : (.failed, "\(problems.count) validator\(problems.count == 1 ? " differs" : "s differ"): " + problems.joined(separator: "; "), "")
    }

    // MARK: - Reading

    /// Collection name → its `options`, from `listCollections`.
    private func collections() throws(MongoError) -> [String: BSONDocument] {
        let reply = try client.runCommand(["listCollections": 1, "nameOnly": false], on: database)
        var result: [String: BSONDocument] = [:]
        for value in reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? [] {
            guard let entry = value.documentValue, let name = entry["name"]?.stringValue else { continue }
            result[name] = entry["options"]?.documentValue ?? [:]
        }
        return result
    }

    /// An error reading what a check needs: unknown, naming the role when it was a refusal.
    private func unknown(_ what: String, _ error: MongoError) -> (GateItem.Outcome, String, String) {
        if error.code == 13 || error.codeName == "Unauthorized" {
            return (.unknown, "\(what) was refused: not authorized (\(error.message))", "")
        }
        if error.code == 59 || error.codeName == "CommandNotFound" {
            return (.unknown, "\(what): the server lacks the command (\(error.message))", "")
        }
        return (.unknown, "\(what) failed: \(error.message)", "")
    }

    private static func clip(_ document: BSONDocument) -> String {
        Failures.clip(Redaction.redact(.document(document)).extendedJSON(.relaxed))
    }
}
