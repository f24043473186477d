import Mongo

extension BSONDocument {
    /// This document with `other`'s fields added or replaced.
    func merging(_ other: BSONDocument) -> BSONDocument {
        var out = self
        for (key, value) in other { out[key] = value }
        return out
    }
}
