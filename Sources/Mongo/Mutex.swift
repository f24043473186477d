import Foundation

/// A lock around a critical section. (Synchronization's `Mutex` needs newer platforms
/// than this package declares; NSLock is everywhere.)
final class Mutex: @unchecked Sendable {
    private let lock = NSLock()

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
