import Glibc

/// A TCP socket used with blocking semantics and deadlines, for the
/// blocking HTTP client and for tests.
///
/// The descriptor stays non-blocking; waits go through `poll` with the time
/// left before the deadline, so no call can hang forever.
///
/// - Important: Blocks the calling thread: never use it on a loop thread or
///   on Swift's cooperative pool; run it on a dedicated thread.
final class BlockingSocket {
    let descriptor: Int32
    private var isOpen = true

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close()
    }

    /// Connects to the first address of `host` that answers before `deadline`.
    static func connect(host: String, port: Int, deadline: MonotonicTime) throws(NetworkError) -> BlockingSocket {
        var lastError = NetworkError(code: .connectionFailed, message: "no address for \(host)")

        for address in try SocketAddress.resolveBlocking(host: host, port: port) {
            do {
                return try connect(to: address, deadline: deadline)
            } catch {
                lastError = error
                if error.code == .timedOut {
                    throw error
                }
            }
        }
        throw lastError
    }

    private static func connect(
        to address: SocketAddress,
        deadline: MonotonicTime
    ) throws(NetworkError) -> BlockingSocket {
        let socket = BlockingSocket(descriptor: try Socket.makeTCP(domain: address.domain))
        Socket.setNoDelay(socket.descriptor)

        let result = address.withSockAddr { Glibc.connect(socket.descriptor, $0, $1) }
        if result != 0 {
            guard errno == EINPROGRESS else {
                throw NetworkError(code: .connectionFailed, message: "cannot connect to \(address)", systemErrno: errno)
            }
            try socket.wait(for: Int16(POLLOUT), until: deadline)
        }

        let code = Socket.pendingError(socket.descriptor)
        guard code == 0 else {
            throw NetworkError(code: .connectionFailed, message: "cannot connect to \(address)", systemErrno: code)
        }
        return socket
    }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8], deadline: MonotonicTime) throws(NetworkError) {
        var offset = 0

        while offset < bytes.count {
            let result = bytes.withUnsafeBytes {
                Socket.send(descriptor, UnsafeRawBufferPointer(rebasing: $0[offset...]))
            }
            switch result {
            case .transferred(let count):
                offset += count
            case .wouldBlock:
                try wait(for: Int16(POLLOUT), until: deadline)
            case .failed(let code):
                throw NetworkError(code: .closed, message: "send failed", systemErrno: code)
            case .endOfFile:
                throw NetworkError(code: .closed, message: "send failed")
            }
        }
    }

    /// Receives up to `maximum` bytes; an empty result means end of file.
    func receive(maximum: Int = 64 << 10, deadline: MonotonicTime) throws(NetworkError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maximum)

        while true {
            let result = bytes.withUnsafeMutableBytes { Socket.receive(descriptor, into: $0) }
            switch result {
            case .transferred(let count):
                return Array(bytes.prefix(count))
            case .endOfFile:
                return []
            case .wouldBlock:
                try wait(for: Int16(POLLIN), until: deadline)
            case .failed(let code):
                throw NetworkError(code: .closed, message: "receive failed", systemErrno: code)
            }
        }
    }

    /// Reads until the peer closes; returns everything read.
    func receiveUntilClosed(deadline: MonotonicTime) throws(NetworkError) -> [UInt8] {
        var all: [UInt8] = []

        while true {
            let chunk = try receive(deadline: deadline)
            if chunk.isEmpty {
                return all
            }
            all.append(contentsOf: chunk)
        }
    }

    /// Gives up ownership: the caller must close the returned descriptor.
    func detach() -> Int32 {
        isOpen = false
        return descriptor
    }

    func close() {
        guard isOpen else {
            return
        }

        isOpen = false
        Glibc.close(descriptor)
    }

    private func wait(for events: Int16, until deadline: MonotonicTime) throws(NetworkError) {
        while true {
            let remaining = MonotonicTime.now().nanoseconds(until: deadline)
            guard remaining > 0 else {
                throw NetworkError(code: .timedOut, message: "socket operation timed out")
            }

            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min((remaining + 999_999) / 1_000_000, 60_000)))
            if ready > 0 || (ready < 0 && errno != EINTR) {
                return
            }
        }
    }
}
