import Mongo

/// Documents of one fixture that share an `_id`: the server would refuse the second, so a
/// file that holds them is refused before anything is sent, where the second stands.
enum DuplicateIDs {
    /// Each document whose `_id` an earlier one has: its index, and the earlier one's.
    /// An `_id` still to be substituted (`$$var`, `$$newObjectId`) is not known yet, and
    /// numbers are compared by value, as the server's `_id` index does (`1` is `1.0`).
    static func find(in documents: [BSONDocument]) -> [(index: Int, earlier: Int, id: BSON)] {
        // Keyed by bytes: Swift's `==` on strings finds "é" and "e\u{301}" equal, the
        // server's index does not.
        var seen: [[UInt8]: Int] = [:]
        var found: [(index: Int, earlier: Int, id: BSON)] = []
        for (index, document) in documents.enumerated() {
            guard let id = document["_id"], !ScenarioLoader.mentionsOperator(id) else { continue }
            let key = Array(Self.key(id).utf8)
            if let earlier = seen[key] {
                found.append((index, earlier, id))
            } else {
                seen[key] = index
            }
        }
        return found
    }

    private static func key(_ id: BSON) -> String {
        switch id {
        case .int32(let number): "n:\(number)"
        case .int64(let number): "n:\(number)"
        case .double(let number) where number == number.rounded() && abs(number) < 9e15: "n:\(Int64(number))"
        case .double(let number): "d:\(number)"
        default: id.extendedJSON(.canonical)
        }
    }
}
