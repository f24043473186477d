/// The objects of one kind alive now, by identity: the scratch servers and the programs a
/// signal handler must stop before Preflight exits.
final class LiveObjects<Object: AnyObject>: @unchecked Sendable {
    // @unchecked: the objects are only reached through `members`, under its lock.
    private let members = Guarded<[ObjectIdentifier: Object]>([:])

    func add(_ object: Object) {
        members.mutate { $0[ObjectIdentifier(object)] = object }
    }

    func remove(_ object: Object) {
        members.mutate { _ = $0.removeValue(forKey: ObjectIdentifier(object)) }
    }

    /// Those alive at this moment.
    var all: [Object] { Array(members.value.values) }
}
