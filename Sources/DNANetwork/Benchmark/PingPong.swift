import Glibc
import Synchronization

/// A raw TCP ping-pong of fixed-size messages: the baseline that cluster
/// round trips are compared with.
///
/// Both ends use plain blocking sockets on threads of their own, with no
/// framing, no event loop and no Swift concurrency, so that the figure is
/// close to what the kernel's loopback path costs. The server and the
/// measuring client can live in different processes.
public enum PingPong {
    /// Round-trip times of one measurement, sorted from fastest to slowest.
    public struct Measurement: Sendable {
        /// Every measured round trip, sorted ascending.
        public let roundTrips: [Duration]

        /// The round trip below which `fraction` of them fall (nearest rank).
        ///
        /// - Parameter fraction: Between 0 and 1, such as 0.99.
        /// - Returns: The duration, or zero when nothing was measured.
        public func percentile(_ fraction: Double) -> Duration {
            guard !roundTrips.isEmpty else {
                return .zero
            }
            let rank = Int((fraction * Double(roundTrips.count)).rounded(.up)) - 1
            return roundTrips[min(max(rank, 0), roundTrips.count - 1)]
        }

        /// The median round trip.
        public var p50: Duration {
            percentile(0.5)
        }

        /// The 99th-percentile round trip.
        public var p99: Duration {
            percentile(0.99)
        }
    }

    /// Starts a server that answers every `payloadSize` bytes it receives with
    /// the same bytes, one thread per connection.
    ///
    /// - Parameters:
    ///   - host: An IP literal to bind.
    ///   - port: The port; 0 binds a free port.
    ///   - payloadSize: The size of each message.
    /// - Returns: The running server; ``Server/close()`` stops it.
    /// - Throws: ``NetworkError`` with code `invalidAddress` or `bindFailed`.
    public static func serve(
        host: String = "127.0.0.1",
        port: Int = 0,
        payloadSize: Int
    ) throws(NetworkError)
        -> Server
    {
        try Server(host: host, port: port, payloadSize: payloadSize)
    }

    /// Connects to a ping-pong server and times `count` round trips of
    /// `payloadSize` bytes, after `warmUp` untimed ones.
    ///
    /// - Parameters:
    ///   - host: The server's host.
    ///   - port: The server's port.
    ///   - payloadSize: The message size; must match the server's.
    ///   - count: How many round trips to time.
    ///   - warmUp: How many round trips to make first without timing them.
    /// - Returns: The sorted round-trip times.
    /// - Throws: ``NetworkError`` when the connection fails or closes early.
    /// - Important: The measurement runs on a thread of its own; the caller suspends.
    public static func measure(
        host: String,
        port: Int,
        payloadSize: Int,
        count: Int,
        warmUp: Int = 1_000
    ) async throws -> Measurement {
        try await ThreadLauncher.runBlocking(name: "dna-pingpong") {
            let deadline = MonotonicTime.now().advanced(by: .seconds(10))
            let socket = try BlockingSocket.connect(host: host, port: port, deadline: deadline)
            let descriptor = socket.descriptor
            makeBlocking(descriptor)

            let message = [UInt8](repeating: 0x5A, count: payloadSize)
            var answer = [UInt8](repeating: 0, count: payloadSize)
            var roundTrips: [Duration] = []
            roundTrips.reserveCapacity(count)

            for index in 0..<(warmUp + count) {
                let start = MonotonicTime.now()
                guard sendAll(descriptor, message), receiveExactly(descriptor, into: &answer) else {
                    throw NetworkError(code: .closed, message: "the ping-pong server closed the connection")
                }
                if index >= warmUp {
                    roundTrips.append(.nanoseconds(Int64(start.nanoseconds(until: MonotonicTime.now()))))
                }
            }
            return Measurement(roundTrips: roundTrips.sorted())
        }
    }

    /// A running ping-pong server.
    public final class Server: Sendable {
        /// The bound address.
        public let address: PeerAddress

        private let descriptor: Int32
        private let payloadSize: Int
        private let isClosed = Atomic<Bool>(false)
        private let connections = Mutex<Set<Int32>>([])
        private let acceptThread = Mutex<pthread_t?>(nil)

        fileprivate init(host: String, port: Int, payloadSize: Int) throws(NetworkError) {
            guard let bindAddress = SocketAddress(ipAddress: host, port: port) else {
                throw NetworkError(code: .invalidAddress, message: "not an IP address: \(host)")
            }

            let listener = try Socket.makeTCP(domain: bindAddress.domain)
            Socket.setReuseAddress(listener)
            let bound = bindAddress.withSockAddr { bind(listener, $0, $1) }
            guard bound == 0, listen(listener, 64) == 0, let local = Socket.localAddress(listener) else {
                let failure = errno
                Glibc.close(listener)
                throw NetworkError(code: .bindFailed, message: "cannot listen on \(bindAddress)", systemErrno: failure)
            }

            self.descriptor = listener
            self.address = PeerAddress(host: local.host, port: local.port)
            self.payloadSize = payloadSize
            let thread = ThreadLauncher.start(name: "dna-pp-accept") { [self] in
                acceptLoop()
            }
            acceptThread.withLock { $0 = thread }
        }

        /// Stops accepting, ends every connection and waits for the accept thread.
        ///
        /// - Important: Blocks briefly (up to the accept poll interval, 100 ms).
        public func close() {
            guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else {
                return
            }

            for connection in connections.withLock({ $0 }) {
                // Wakes the connection's thread from its blocking recv; the thread closes the descriptor.
                Glibc.shutdown(connection, Int32(SHUT_RDWR))
            }
            if let thread = acceptThread.withLock({ $0 }) {
                pthread_join(thread, nil)
            }
            Glibc.close(descriptor)
        }

        private func acceptLoop() {
            while !isClosed.load(ordering: .acquiring) {
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 100) > 0, case .success((let connection, _)) = Socket.accept(descriptor) else {
                    continue
                }

                Socket.setNoDelay(connection)
                makeBlocking(connection)
                connections.withLock { _ = $0.insert(connection) }
                let echo = ThreadLauncher.start(name: "dna-pp-echo") { [self] in
                    serve(connection)
                }
                pthread_detach(echo)
            }
        }

        private func serve(_ connection: Int32) {
            var buffer = [UInt8](repeating: 0, count: payloadSize)
            while receiveExactly(connection, into: &buffer), sendAll(connection, buffer) {}

            connections.withLock { _ = $0.remove(connection) }
            Glibc.close(connection)
        }
    }

    private static func makeBlocking(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
    }

    private static func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        // Force unwraps below: the loop runs only for a non-empty buffer, whose base address is non-nil.
        return bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
                } else if sent < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    private static func receiveExactly(_ descriptor: Int32, into buffer: inout [UInt8]) -> Bool {
        var offset = 0
        // Force unwraps below: the loop runs only for a non-empty buffer, whose base address is non-nil.
        return buffer.withUnsafeMutableBytes { raw in
            while offset < raw.count {
                let received = recv(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
                if received > 0 {
                    offset += received
                } else if received < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
