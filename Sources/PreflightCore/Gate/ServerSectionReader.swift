import Mongo

/// Reads a checklist's `server` section, every value checked where it is written.
struct ServerSectionReader {
    let diagnostics: Diagnostics
    private let path = JSONPath.root.key("server")

    init(_ diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    static let keys = [
        "minVersion", "featureCompatibilityVersion", "topology", "collections", "indexes", "validators", "policies",
    ]
    static let indexKeys = ["key", "name", "unique", "partialFilterExpression", "expireAfterSeconds", "sparse"]
    static let topologies = ["single", "replicaset", "sharded"]

    func read(_ document: BSONDocument?) -> ServerRequirements {
        var server = ServerRequirements()
        guard let document else { return server }
        let reader = FieldReader(document, at: path, diagnostics)
        reader.allowOnly(Self.keys)
        server.minVersion = version(reader, "minVersion")
        server.featureCompatibilityVersion = version(reader, "featureCompatibilityVersion")
        if let value = document["topology"] {
            let names = value.stringValue.map { [$0] } ?? value.arrayValue?.compactMap(\.stringValue)
            if let names, !names.isEmpty, names.count == (value.arrayValue?.count ?? 1) {
                for (index, name) in names.enumerated() where !Self.topologies.contains(name) {
                    let at = value.arrayValue == nil ? path.key("topology") : path.key("topology").index(index)
                    diagnostics.error(at, Diagnostics.unknown("topology", name, among: Self.topologies))
                }
                server.topologies = names
            } else {
                diagnostics.error(path.key("topology"), "expected a topology or a list of them (\"replicaset\", [\"replicaset\", \"sharded\"]), got \(Diagnostics.describe(value))")
            }
        }
        server.collections = reader.strings("collections") ?? []
        for (index, name) in server.collections.enumerated() {
            if let problem = CollectionName.problem(name) { diagnostics.error(path.key("collections").index(index), problem) }
        }
        for (collection, value) in reader.document("indexes") ?? [:] {
            let at = path.key("indexes").key(collection)
            if let problem = CollectionName.problem(collection) { diagnostics.error(at, problem) }
            guard let list = value.arrayValue, !list.isEmpty else {
                diagnostics.error(at, "expected a non-empty list of indexes ([{\"key\": {\"status\": 1}}]), got \(Diagnostics.describe(value))")
                continue
            }
            server.indexes.append((collection, list.enumerated().compactMap { index(value: $1, at: at.index($0)) }))
        }
        for (collection, value) in reader.document("validators") ?? [:] {
            let at = path.key("validators").key(collection)
            if let problem = CollectionName.problem(collection) { diagnostics.error(at, problem) }
            guard let validator = value.documentValue, !validator.isEmpty else {
                diagnostics.error(at, "expected the validator the collection must have ({\"$jsonSchema\": {…}}), got \(Diagnostics.describe(value))")
                continue
            }
            server.validators.append((collection, validator))
        }
        for (name, value) in reader.document("policies") ?? [:] {
            let at = path.key("policies").key(name)
            guard ServerRequirements.checkNames.contains(name) else {
                diagnostics.error(at, Diagnostics.unknown("server check", name, among: ServerRequirements.checkNames))
                continue
            }
            guard let object = value.documentValue else {
                diagnostics.error(at, "expected {\"severity\": \"warn\", \"reason\": \"…\"} or {\"onUnknown\": \"warn\", \"reason\": \"…\"}, got \(Diagnostics.describe(value))")
                continue
            }
            let policyReader = FieldReader(object, at: at, diagnostics)
            policyReader.allowOnly(["severity", "onUnknown", "reason"])
            server.policies[name] = ChecklistLoader().policy(policyReader)
        }
        return server
    }

    private func version(_ reader: FieldReader, _ key: String) -> String? {
        guard let version = reader.string(key) else { return nil }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        if parts.isEmpty || parts.count > 3 || !parts.allSatisfy({ !$0.isEmpty && Int($0) != nil }) {
            diagnostics.error(path.key(key), "expected a version such as \"6.0\", got \"\(version)\"")
            return nil
        }
        return version
    }

    private func index(value: BSON, at path: JSONPath) -> IndexRequirement? {
        guard let object = value.documentValue else {
            diagnostics.error(path, "expected an index ({\"key\": {\"status\": 1}, \"unique\": true}), got \(Diagnostics.describe(value))")
            return nil
        }
        let reader = FieldReader(object, at: path, diagnostics)
        reader.allowOnly(Self.indexKeys)
        guard let key = reader.document("key", required: true) else { return nil }
        if key.isEmpty { diagnostics.error(path.key("key"), "an index key names at least one field") }
        for (field, direction) in key {
            if let problem = IndexDirection.problem(direction) { diagnostics.error(path.key("key").key(field), problem) }
        }
        var requirement = IndexRequirement(key: key)
        requirement.name = reader.string("name")
        requirement.unique = reader.bool("unique")
        requirement.sparse = reader.bool("sparse")
        requirement.partialFilterExpression = reader.document("partialFilterExpression")
        requirement.expireAfterSeconds = reader.integer("expireAfterSeconds", in: 0...Int(Int32.max)).map(Int64.init)
        return requirement
    }
}
