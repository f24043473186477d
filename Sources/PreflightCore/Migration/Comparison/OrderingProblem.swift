import Foundation
import Mongo

/// A collection read in `_id` order came back in an order Preflight's comparison does not
/// expect, so it stopped rather than report documents as missing that are not.
struct OrderingProblem: Error, LocalizedError {
    let collection: String
    let previous: BSON
    let next: BSON

    var errorDescription: String? {
        "\(collection) came back with _id \(DifferenceValue.identifier(next)) after \(DifferenceValue.identifier(previous)), "
            + "which is not the order Preflight compares in (are these _id values of an unusual type?); the comparison stopped"
    }
}
