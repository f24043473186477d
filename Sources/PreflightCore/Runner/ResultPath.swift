import Foundation
import Mongo

/// Dotted paths into a result: `insertedId`, `0.total`, `upsertedIds.2`.
enum ResultPath {
    static func value<Segments: Sequence>(at segments: Segments, in value: BSON) -> BSON? where Segments.Element: StringProtocol {
        var current = value
        for segment in segments {
            switch current {
            case .document(let document):
                guard let next = document[String(segment)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(segment), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}
