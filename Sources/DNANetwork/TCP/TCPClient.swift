import Glibc

/// Opens outbound TCP connections.
public enum TCPClient {
    /// Connects to `host:port` without blocking a thread.
    ///
    /// The connect is non-blocking and watched by `loop`; each address the
    /// host resolves to is tried in turn until one answers or `timeout`
    /// (for the whole call) runs out.
    ///
    /// - Parameters:
    ///   - host: An IPv4 or IPv6 literal, `localhost`, or a host name
    ///     (resolved on a dedicated thread).
    ///   - port: The port.
    ///   - timeout: The deadline for the whole connect.
    ///   - loop: The loop that will own the connection.
    ///   - configuration: Settings for the connection.
    ///   - localPort: The local port to bind before connecting, or `nil` to let
    ///     the kernel choose. Servers such as ScyllaDB read meaning into the
    ///     client's port (its shard-aware port picks a core by it).
    ///   - makeHandler: Creates the connection's handler; runs on `loop`'s
    ///     thread before any byte is delivered.
    /// - Returns: The open connection.
    /// - Throws: ``NetworkError`` with code `timedOut`, `connectionFailed`,
    ///   `invalidAddress`, `loopShutDown`, or `bindFailed` when `localPort` is
    ///   taken (then try another port).
    public static func connect(
        host: String,
        port: Int,
        timeout: Duration = .seconds(10),
        on loop: EventLoop,
        configuration: TCPConnection.Configuration = .init(),
        localPort: Int? = nil,
        makeHandler: @escaping @Sendable (TCPConnection) -> any TCPConnectionHandler
    ) async throws(NetworkError) -> TCPConnection {
        let deadline = MonotonicTime.now().advanced(by: timeout)
        let addresses = try await SocketAddress.resolve(host: host, port: port)

        var lastError = NetworkError(code: .connectionFailed, message: "no address to connect to")
        for address in addresses {
            let remaining = MonotonicTime.now().nanoseconds(until: deadline)
            guard remaining > 0 else {
                throw NetworkError(code: .timedOut, message: "connect to \(host):\(port) timed out")
            }

            let attempt = ConnectAttempt(
                address: address,
                loop: loop,
                configuration: configuration,
                localPort: localPort,
                makeHandler: makeHandler
            )
            do {
                return try await attempt.run(timeout: .nanoseconds(Int64(remaining)))
            } catch {
                lastError = error
                if error.code == .timedOut || error.code == .loopShutDown || error.code == .bindFailed {
                    throw error
                }
            }
        }
        throw lastError
    }
}

/// One non-blocking connect to one address, driven by the loop.
private final class ConnectAttempt: LoopSelectable, @unchecked Sendable {
    // @unchecked: every var is used only on `loop`'s thread; `run` hands the continuation over through `execute`.
    let address: SocketAddress
    let loop: EventLoop
    let configuration: TCPConnection.Configuration
    let localPort: Int?
    let makeHandler: @Sendable (TCPConnection) -> any TCPConnectionHandler

    private var descriptor: Int32 = -1
    private var registrationID: UInt64 = 0
    private var isRegistered = false
    private var timeoutTask: ScheduledTask?
    private var continuation: CheckedContinuation<TCPConnection, any Error>?

    init(
        address: SocketAddress,
        loop: EventLoop,
        configuration: TCPConnection.Configuration,
        localPort: Int?,
        makeHandler: @escaping @Sendable (TCPConnection) -> any TCPConnectionHandler
    ) {
        self.address = address
        self.loop = loop
        self.configuration = configuration
        self.localPort = localPort
        self.makeHandler = makeHandler
    }

    func run(timeout: Duration) async throws(NetworkError) -> TCPConnection {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let accepted = loop.tryExecute { [self] in
                    self.continuation = continuation
                    begin(timeout: timeout)
                }
                if !accepted {
                    continuation.resume(throwing: EventLoop.shutDownError)
                }
            }
        } catch let error as NetworkError {
            throw error
        } catch {
            throw NetworkError(code: .connectionFailed, message: "connect failed: \(error)")
        }
    }

    func handleEvents(_ events: UInt32) {
        let code = Socket.pendingError(descriptor)
        guard code == 0 else {
            fail(code: .connectionFailed, message: "cannot connect to \(address)", errno: code)
            return
        }

        stopWatching()
        let descriptor = self.descriptor
        self.descriptor = -1

        guard
            let connection = TCPConnection.start(
                descriptor: descriptor,
                loop: loop,
                configuration: configuration,
                makeHandler: makeHandler
            )
        else {
            finish(.failure(NetworkError(code: .systemCallFailed, message: "cannot register the connection")))
            return
        }
        finish(.success(connection))
    }

    func loopIsShuttingDown() {
        fail(code: .loopShutDown, message: "the event loop shut down during connect", errno: nil)
    }

    private func begin(timeout: Duration) {
        do {
            descriptor = try Socket.makeTCP(domain: address.domain)
        } catch {
            finish(.failure(error))
            return
        }

        if let localPort {
            let wildcard = SocketAddress(
                family: address.family,
                addressBytes: Array(repeating: 0, count: address.family == .ipv4 ? 4 : 16),
                port: localPort
            )
            guard wildcard.withSockAddr({ Glibc.bind(descriptor, $0, $1) }) == 0 else {
                fail(code: .bindFailed, message: "cannot bind local port \(localPort)", errno: errno)
                return
            }
        }

        let result = address.withSockAddr { Glibc.connect(descriptor, $0, $1) }
        let code = result == 0 ? 0 : errno
        guard result == 0 || code == EINPROGRESS else {
            fail(code: .connectionFailed, message: "cannot connect to \(address)", errno: code)
            return
        }

        watch(timeout: timeout)
    }

    private func watch(timeout: Duration) {
        do {
            registrationID = try loop.register(self, descriptor: descriptor, events: EpollEvents.writable)
            isRegistered = true
        } catch {
            fail(code: .systemCallFailed, message: "cannot watch the connecting socket", errno: error.systemErrno)
            return
        }

        timeoutTask = loop.scheduleTask(in: timeout) { [self] in
            fail(code: .timedOut, message: "connect to \(address) timed out", errno: nil)
        }
    }

    private func stopWatching() {
        timeoutTask?.cancel()
        if isRegistered {
            loop.deregister(id: registrationID, descriptor: descriptor)
            isRegistered = false
        }
    }

    private func fail(code: NetworkError.Code, message: String, errno: Int32?) {
        stopWatching()
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }

        finish(.failure(NetworkError(code: code, message: message, systemErrno: errno)))
    }

    private func finish(_ result: Result<TCPConnection, NetworkError>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result.mapError { $0 as any Error })
    }
}
