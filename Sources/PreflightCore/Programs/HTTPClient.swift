import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), for `http` steps and
/// service readiness: plain `http://` to the services a scenario starts, with nothing
/// between Preflight and them — no redirects followed, no proxy, no cookies kept, no
/// header added but `Host`, `Content-Length` and `Connection`.
enum HTTPClient {
    struct Response {
        var status: Int
        /// Names lower-cased, in the order received; a name repeated keeps each value.
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case refused(String)
        case timedOut(Int)
        case malformed(String)
        var description: String {
            switch self {
            case .refused(let reason): reason
            case .timedOut(let milliseconds): "no complete reply within \(milliseconds) ms"
            case .malformed(let reason): "the reply is not HTTP/1.x: \(reason)"
            }
        }
    }

    /// The parts of an `http://host:port/path?query` URL; nil for anything else.
    static func parse(_ url: String) -> (host: String, port: Int, target: String)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...].prefix { $0 != "#" })
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains(" ") else { return nil }
        var host = String(authority), port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            host = String(authority[..<colon])
            port = number
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:".contains($0) }) else { return nil }
        return (host, port, target)
    }

    static func send(
        method: String, url: String, headers: [(String, String)], body: [UInt8]?, timeoutMS: Int
    ) throws(Failure) -> Response {
        guard let (host, port, target) = parse(url) else { throw .malformed("not an http:// URL: \(url)") }
        let deadline = Date().addingTimeInterval(Double(timeoutMS) / 1000)
        let socket = try connect(host: host, port: port, deadline: deadline, timeoutMS: timeoutMS)
        defer { close(socket) }
        var request = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        try write(Array(request.utf8) + (body ?? []), to: socket, deadline: deadline, timeoutMS: timeoutMS)
        let reply = try readAll(socket, deadline: deadline, timeoutMS: timeoutMS)
        return try parseResponse(reply)
    }

    private static func connect(host: String, port: Int, deadline: Date, timeoutMS: Int) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .refused("cannot resolve the host \(host)")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry?.pointee {
            entry = address.ai_next
            let descriptor = socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), address.ai_protocol)
            guard descriptor >= 0 else { continue }
            if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 || errno == EINPROGRESS {
                if wait(descriptor, for: Int16(POLLOUT), deadline: deadline) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return descriptor }
                    lastError = "cannot connect to \(host):\(port): \(String(cString: strerror(error)))"
                } else {
                    close(descriptor)
                    throw .timedOut(timeoutMS)
                }
            } else {
                lastError = "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))"
            }
            close(descriptor)
        }
        throw .refused(lastError)
    }

    /// Whether `descriptor` became ready for `events` before `deadline`.
    private static func wait(_ descriptor: Int32, for events: Int16, deadline: Date) -> Bool {
        while true {
            let remaining = Int32(max(0, min(Double(Int32.max), deadline.timeIntervalSinceNow * 1000)).rounded(.up))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, remaining)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, deadline: Date, timeoutMS: Int) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            guard wait(descriptor, for: Int16(POLLOUT), deadline: deadline) else { throw .timedOut(timeoutMS) }
            let written = bytes[offset...].withUnsafeBytes { send($0.baseAddress, $0.count, descriptor) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .refused("the connection closed while the request was sent: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private static func send(_ pointer: UnsafeRawPointer?, _ count: Int, _ descriptor: Int32) -> Int {
        Glibc.send(descriptor, pointer, count, Int32(MSG_NOSIGNAL))
    }

    private static func readAll(_ descriptor: Int32, deadline: Date, timeoutMS: Int) throws(Failure) -> [UInt8] {
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            guard wait(descriptor, for: Int16(POLLIN), deadline: deadline) else { throw .timedOut(timeoutMS) }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                // A reset after a complete reply is still a reply.
                if !reply.isEmpty { return reply }
                throw .refused("the connection was reset: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return reply }
            reply.append(contentsOf: buffer[0..<count])
            guard reply.count <= 64 << 20 else { throw .malformed("the reply is larger than 64 MB") }
        }
    }

    static func parseResponse(_ reply: [UInt8]) throws(Failure) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = firstRange(of: separator, in: reply) else {
            throw reply.isEmpty ? .refused("the server closed the connection without a reply") : .malformed("no end of headers")
        }
        let head = String(decoding: reply[..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]), (100...999).contains(status) else {
            throw .malformed("status line \"\(head[0].prefix(200))\"")
        }
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line \"\(line.prefix(200))\"") }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(reply[(headerEnd + 4)...])
        if headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }), length < body.count {
            body = Array(body.prefix(length))
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = firstRange(of: [13, 10], in: bytes, from: index) else { throw .malformed("a chunk size line without its end") }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw .malformed("chunk size \"\(sizeText)\"") }
            index = lineEnd + 2
            if size == 0 { return out }
            guard index + size <= bytes.count else { throw .malformed("a chunk shorter than its size") }
            out.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    private static func firstRange(of pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && Array(bytes[index..<(index + pattern.count)]) == pattern { return index }
            index += 1
        }
        return nil
    }
}
