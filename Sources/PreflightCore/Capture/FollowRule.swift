/// `--follow delivery_statuses.order_id=orders._id`: capture the documents of the left
/// collection whose field equals any value of the right field among the documents
/// already captured, as `{order_id: {$in: [...]}}` would find them.
public struct FollowRule: Hashable, Sendable, CustomStringConvertible {
    /// Where documents are captured from, and the field compared.
    public let target: QualifiedField
    /// Where the values come from: the root collection or an earlier rule's target.
    public let source: QualifiedField

    static let form = "COLLECTION.FIELD=COLLECTION.FIELD, such as delivery_statuses.order_id=orders._id"

    /// - Throws: `CaptureError.usage` showing the expected form.
    public init(parsing text: String) throws(CaptureError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw .usage("--follow takes \(Self.form); \"\(text)\" has no \"=\".")
        }
        let left = text[..<equals]
        let right = text[text.index(after: equals)...]
        // A field name may hold "=", but a rule that reads two ways is a typing mistake more often.
        guard !right.contains("=") else {
            throw .usage("--follow takes \(Self.form); \"\(text)\" has more than one \"=\".")
        }
        guard let target = QualifiedField(left) else {
            throw .usage("--follow takes \(Self.form); the left side \"\(left)\" is not COLLECTION.FIELD (\(FieldPath.rule)).")
        }
        guard let source = QualifiedField(right) else {
            throw .usage("--follow takes \(Self.form); the right side \"\(right)\" is not COLLECTION.FIELD (\(FieldPath.rule)).")
        }
        self.target = target
        self.source = source
    }

    public var description: String { "\(target)=\(source)" }
}
