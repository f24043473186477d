import CMongoC

/// The collection handles of one borrowed client, kept for as long as it is lent.
///
/// libmongoc makes a handle by copying the client's read and write concerns and read
/// preference: about as many instructions as Preflight spends on the rest of an
/// operation. A test sends most of its operations to a few collections, so each handle
/// is made once per lending, and destroyed before the client goes back to the pool.
/// One thread at a time, like the client.
final class CollectionHandles {
    private let client: OpaquePointer
    /// A list: a test uses a few collections, and a lookup then makes no key to hash.
    private var handles: [(database: String, name: String, handle: OpaquePointer)] = []

    init(client: OpaquePointer) {
        self.client = client
    }

    /// The handle for `database`.`name`, made on first use; owned here. Names are told
    /// apart by their bytes, as MongoDB does: `café` written two ways is two collections,
    /// though Swift's `==` finds them equal.
    func handle(database: String, name: String) -> OpaquePointer? {
        for entry in handles where entry.name.hasSameBytes(as: name) && entry.database.hasSameBytes(as: database) {
            return entry.handle
        }
        guard let handle = mongoc_client_get_collection(client, database, name) else { return nil }
        handles.append((database, name, handle))
        return handle
    }

    func destroyAll() {
        handles.forEach { mongoc_collection_destroy($0.handle) }
        handles = []
    }
}
