import Mongo

/// One difference inside a document: a field added, removed or changed, or a document's
/// keys reordered, at a dotted path (`items.2.price`, MongoDB's own spelling).
struct FieldChange: Sendable {
    enum Kind: Sendable {
        case added(BSON)
        case removed(BSON)
        case changed(from: BSON, to: BSON)
        case keyOrder(from: [String], to: [String])
        /// The documents differ in a way no field names, such as a key written twice.
        case unexplained
    }

    var path: [String]
    var kind: Kind
    /// Why a declared field's change is still a difference: it was declared for another kind.
    var note: String?

    /// `billed_month: changed from "2026-01" (string) to 2026-01-01T00:00:00Z (date)`.
    var description: String {
        let field = path.joined(separator: ".")
        let secret = Redaction.isSensitivePath(field)
        func show(_ value: BSON) -> String { secret ? Redaction.placeholder : DifferenceValue.describe(value) }
        let text: String
        switch kind {
        case .added(let value): text = "\(field): added: \(show(value))"
        case .removed(let value): text = "\(field): removed (was \(show(value)))"
        case .changed(let before, let after): text = "\(field): changed from \(show(before)) to \(show(after))"
        case .keyOrder(let before, let after):
            let keys = { (keys: [String]) in "[" + keys.joined(separator: ", ") + "]" }
            text = (path.isEmpty ? "" : "\(field): ") + "key order changed from \(keys(before)) to \(keys(after))"
        case .unexplained: text = (path.isEmpty ? "" : "\(field): ") + "the stored bytes differ (a key written twice?)"
        }
        return note.map { text + "; " + $0 } ?? text
    }
}
