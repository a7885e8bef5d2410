internal import CDNANetwork
import Glibc

/// Thin wrappers over the socket system calls DNANetwork uses.
///
/// Every descriptor is created non-blocking and close-on-exec. Sends use
/// `MSG_NOSIGNAL`, so writing to a closed peer returns `EPIPE` instead of
/// raising `SIGPIPE` and killing the process.
enum Socket {
    /// The outcome of one non-blocking send or receive.
    enum IOResult {
        case transferred(Int)
        case wouldBlock
        case endOfFile
        case failed(Int32)
    }

    static func makeTCP(domain: Int32) throws(NetworkError) -> Int32 {
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(domain, flags, 0)
        guard descriptor >= 0 else {
            throw NetworkError(code: .systemCallFailed, message: "socket() failed", systemErrno: errno)
        }
        return descriptor
    }

    static func setNoDelay(_ descriptor: Int32) {
        setOption(descriptor, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
    }

    static func setReuseAddress(_ descriptor: Int32) {
        setOption(descriptor, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
    }

    static func setOption(_ descriptor: Int32, level: Int32, name: Int32, value: Int32) {
        var value = value
        _ = setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The pending error of a socket (`SO_ERROR`), cleared by reading it.
    static func pendingError(_ descriptor: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else {
            return errno
        }
        return value
    }

    static func localAddress(_ descriptor: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage) : nil
    }

    static func remoteAddress(_ descriptor: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage) : nil
    }

    /// Accepts one connection as a non-blocking, close-on-exec descriptor.
    ///
    /// - Returns: The descriptor and peer address, or the `errno` of the failure.
    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

        let descriptor = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept4(listener, $0, &length, flags) }
        }
        guard descriptor >= 0 else {
            return .failure(AcceptFailure(errno: errno))
        }
        return .success((descriptor, SocketAddress(storage: storage)))
    }

    struct AcceptFailure: Error {
        let errno: Int32
    }

    typealias AcceptResult = Result<(Int32, SocketAddress?), AcceptFailure>

    /// One non-blocking `send`, retried on `EINTR`.
    static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let sent = Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if sent >= 0 {
                return .transferred(sent)
            }

            let failure = errno
            if failure == EINTR {
                continue
            }
            return failure == EAGAIN || failure == EWOULDBLOCK ? .wouldBlock : .failed(failure)
        }
    }

    /// One non-blocking `recv`, retried on `EINTR`.
    static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let received = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if received > 0 {
                return .transferred(received)
            }
            if received == 0 {
                return .endOfFile
            }

            let failure = errno
            if failure == EINTR {
                continue
            }
            return failure == EAGAIN || failure == EWOULDBLOCK ? .wouldBlock : .failed(failure)
        }
    }

    /// Human-readable text for an `errno` value.
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else {
            return "errno \(code)"
        }
        return String(cString: text)
    }
}
