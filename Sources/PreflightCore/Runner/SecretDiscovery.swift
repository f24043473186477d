import Foundation
import Mongo

/// Learns secrets from a run's commands and their replies, for `SecretValues`: what sits
/// under a sensitive key (`Redaction.learn`), and what a reply holds under a name that a
/// command derived from a secret field, which no key rule can see.
///
/// `{"$project": {"p": "$password"}}` answers `{"p": "hunter2"}`, and `distinct` on
/// `password` answers `{"values": ["hunter2"]}`: the command says which reply keys carry
/// the secret, and the reply is read with that in mind.
final class SecretDiscovery: @unchecked Sendable {
    // @unchecked: `derived` is guarded by `lock`; monitoring callbacks come on any thread.
    private let lock = NSLock()
    /// Per operation (a find and its getMores share one), the reply keys whose values
    /// come from a secret field.
    private var derived: [Int64: Set<String>] = [:]

    /// Most commands name no secret: a search of their bytes for the words that could
    /// (`SensitiveWords`) decides whether one is worth reading at all.
    func started(_ event: EventDocument, name: String, operationID: Int64) {
        guard SensitiveWords.mayAppear(inBSON: event.bytes) else { return }
        let command = event.document
        Redaction.learn(.document(command))
        var keys = Self.derivedKeys(in: .document(command))
        if name == "distinct", case .string(let key)? = command["key"], Redaction.isSensitivePath(key) {
            keys.insert("values")
        }
        guard !keys.isEmpty else { return }
        lock.withLock {
            // Operations whose reply never came (a dropped connection) must not pile up.
            if derived.count >= 1_000 { derived.removeAll() }
            derived[operationID, default: []].formUnion(keys)
        }
    }

    func replied(_ event: EventDocument, operationID: Int64) {
        let keys = lock.withLock { derived[operationID] }
        guard keys != nil || SensitiveWords.mayAppear(inBSON: event.bytes) else { return }
        let reply = event.document
        Redaction.learn(.document(reply))
        if let keys { Self.learn(.document(reply), under: keys) }
    }

    /// The keys whose value mentions a secret field: `p` in `{"p": "$password"}`, `_id` in
    /// `{"$group": {"_id": {"$toLower": "$token"}}}`. Keys of the command's own structure
    /// (`pipeline`, `$project`) come along; replies hold no such names, so they cost nothing.
    static func derivedKeys(in value: BSON) -> Set<String> {
        var keys: Set<String> = []
        func visit(_ value: BSON) {
            switch value {
            case .document(let document):
                for (key, element) in document {
                    if Redaction.mentionsSensitiveField(element) { keys.insert(key) }
                    visit(element)
                }
            case .array(let elements):
                elements.forEach(visit)
            default:
                break
            }
        }
        visit(value)
        return keys
    }

    /// Learns every string under one of `keys`, at any depth of `value`.
    private static func learn(_ value: BSON, under keys: Set<String>) {
        switch value {
        case .document(let document):
            for (key, element) in document {
                if keys.contains(key) { Redaction.learn(element, secret: true) } else { learn(element, under: keys) }
            }
        case .array(let elements):
            elements.forEach { learn($0, under: keys) }
        default:
            break
        }
    }
}
