import Foundation

/// Text made the first time it is read, then kept: a test's log is rendered only for the
/// reports that show it (a failure, `--verbose`, `--junit-extended`, `--json`).
public final class LazyText: @unchecked Sendable {
    // @unchecked: `make` and `made` are guarded by `lock`.
    private let lock = NSLock()
    private var make: (@Sendable () -> String)?
    private var made: String?

    public init(_ make: @escaping @Sendable () -> String) {
        self.make = make
    }

    public init(_ text: String) {
        made = text
    }

    public var value: String {
        lock.withLock {
            if let made { return made }
            let text = make?() ?? ""
            made = text
            make = nil
            return text
        }
    }

    /// `transform` of this text, applied when the result is first read.
    func map(_ transform: @escaping @Sendable (String) -> String) -> LazyText {
        LazyText { transform(self.value) }
    }
}
