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
    /// By the names' bytes: two names Swift deems equal (`café` written two ways) are two
    /// collections to MongoDB.
    private var handles: [[UInt8]: OpaquePointer] = [:]

    init(client: OpaquePointer) {
        self.client = client
    }

    /// The handle for `database`.`name`, made on first use; owned here.
    func handle(database: String, name: String) -> OpaquePointer? {
        let key = Array(database.utf8) + [0] + Array(name.utf8)
        if let handle = handles[key] { return handle }
        guard let handle = mongoc_client_get_collection(client, database, name) else { return nil }
        handles[key] = handle
        return handle
    }

    func destroyAll() {
        handles.values.forEach { mongoc_collection_destroy($0) }
        handles = [:]
    }
}
