import Mongo

/// How one document differs between two states of a collection, named by its `_id`.
enum DocumentDifference: Sendable {
    /// In the first state, not in the second.
    case missing(id: BSON)
    /// In the second state only.
    case extra(id: BSON)
    case changed(id: BSON, [FieldChange])
}
