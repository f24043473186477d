import Foundation

/// What a program wrote to one stream: all of it up to `limit` bytes, else its first and
/// last `limit / 2`, with the count of what was left out between them. A program that
/// prints a gigabyte cannot fill Preflight's memory, and its end — where it says how it
/// failed — is never lost.
final class OutputCapture: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    static let defaultLimit = 4 << 20

    private let lock = NSLock()
    private let limit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var total = 0
    private var closed = false
    private let done = DispatchSemaphore(value: 0)
    /// Called with each complete line, for services: readiness by a log line, the log tail.
    private let onLine: (@Sendable (String) -> Void)?
    private var partialLine: [UInt8] = []

    init(limit: Int = OutputCapture.defaultLimit, onLine: (@Sendable (String) -> Void)? = nil) {
        self.limit = limit
        self.onLine = onLine
    }

    /// Reads `descriptor` to its end on a thread of its own, then closes it.
    func drain(_ descriptor: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                append(buffer[0..<count])
            }
            close(descriptor)
            lock.withLock {
                if !partialLine.isEmpty, let onLine { onLine(String(decoding: partialLine, as: UTF8.self)) }
                partialLine = []
                closed = true
            }
            done.signal()
        }
        thread.name = "preflight-output"
        thread.start()
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        lock.withLock {
            total += bytes.count
            if total <= limit {
                head.append(contentsOf: bytes)
            } else if total - bytes.count <= limit {
                // Just past the limit: the head keeps its first half, the rest is tail.
                let all = head + bytes
                head = Array(all.prefix(limit / 2))
                tail = Array(all.dropFirst(limit / 2))
            } else {
                tail.append(contentsOf: bytes)
            }
            if tail.count > limit / 2 { tail.removeFirst(tail.count - limit / 2) }
            if let onLine {
                partialLine.append(contentsOf: bytes)
                while let newline = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
                    onLine(String(decoding: partialLine[..<newline], as: UTF8.self))
                    partialLine.removeSubrange(...newline)
                }
                if partialLine.count > 65_536 { partialLine.removeAll() }
            }
        }
    }

    /// Waits until the stream has ended, or `deadline`; true when it ended.
    @discardableResult
    func waitForEnd(until deadline: Date) -> Bool {
        if lock.withLock({ closed }) { return true }
        let ended = done.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success
        if ended { done.signal() }
        return ended
    }

    /// Everything kept, as text; `complete` is false when the middle was left out.
    var text: (text: String, complete: Bool) {
        lock.withLock {
            guard total > limit else { return (String(decoding: head, as: UTF8.self), true) }
            let omitted = total - head.count - tail.count
            return (String(decoding: head, as: UTF8.self) + "\n… \(omitted) bytes omitted …\n" + String(decoding: tail, as: UTF8.self), false)
        }
    }
}
