import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds a TCP port on 127.0.0.1 that is free now, for servers that cannot be told to
/// choose their own (mongod). The port is released before the server binds it; another
/// process could take it in between, and the server then fails with its log saying so.
enum FreePort {
    static func find() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw ScratchError.couldNotStart(commandLine: "", reason: "no socket for a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            throw ScratchError.couldNotStart(commandLine: "", reason: "could not find a free port on 127.0.0.1")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
