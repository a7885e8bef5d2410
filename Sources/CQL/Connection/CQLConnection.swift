import DNANetwork

/// One connection to one CQL server: the handshake done, requests multiplexed over stream ids.
///
/// Requests may be sent from any task at once; each waits for its own response. The socket is run by a
/// DNANetwork event loop, so no call blocks a thread: callers suspend.
public final class CQLConnection: Sendable, CustomStringConvertible {
    /// The host as given to ``connect(host:port:configuration:on:onEvent:)``.
    public let host: String

    /// The server port.
    public let port: Int

    /// The local port of the socket.
    public let localPort: Int?

    /// What the server answered to OPTIONS.
    public let supported: CQLSupportedOptions

    /// The node's sharding, when it is a ScyllaDB node that announces it.
    public let sharding: ShardingInfo?

    /// The bit ScyllaDB sets in the flags of prepared lightweight transactions, when negotiated.
    public let lwtMask: UInt32?

    let requestTimeout: Duration
    private let multiplexer: FrameMultiplexer
    private let socket: TCPConnection

    private init(
        host: String,
        port: Int,
        socket: TCPConnection,
        multiplexer: FrameMultiplexer,
        supported: CQLSupportedOptions,
        lwtMask: UInt32?,
        requestTimeout: Duration
    ) {
        self.host = host
        self.port = port
        self.socket = socket
        self.localPort = socket.localAddress?.port
        self.multiplexer = multiplexer
        self.supported = supported
        self.sharding = ShardingInfo(supported: supported)
        self.lwtMask = lwtMask
        self.requestTimeout = requestTimeout
    }

    public var description: String { "CQLConnection(\(host):\(port))" }

    /// Opens a connection and runs the handshake: OPTIONS, STARTUP, and authentication when asked for.
    ///
    /// - Parameters:
    ///   - host: An IP literal, `localhost` or a host name (resolved off the cooperative pool).
    ///   - port: The server's native-protocol port (9042, or ScyllaDB's shard-aware port).
    ///   - configuration: Authentication, timeouts, limits.
    ///   - loop: The event loop that runs the socket.
    ///   - onEvent: Receives the events the connection registers for, on the loop thread; it must not block.
    /// - Throws: ``CQLClientError`` (`connectionFailed`, `timedOut`, `authenticationFailed`) or the server's
    ///   ``CQLServerError`` (bad credentials, an unsupported protocol version).
    public static func connect(
        host: String,
        port: Int,
        configuration: Configuration = Configuration(),
        on loop: EventLoop,
        onEvent: (@Sendable (CQLEvent) -> Void)? = nil
    ) async throws -> CQLConnection {
        let multiplexer = FrameMultiplexer(capacity: configuration.maximumConcurrentRequests)
        multiplexer.setEventHandler(onEvent)
        let socket: TCPConnection
        do {
            socket = try await TCPClient.connect(
                host: host,
                port: port,
                timeout: configuration.connectTimeout,
                on: loop,
                localPort: configuration.localPort,
                makeHandler: { _ in CQLFrameHandler(multiplexer: multiplexer) }
            )
        } catch {
            let code: CQLClientError.Code =
                switch error.code {
                case .timedOut: .timedOut
                case .bindFailed: .localPortInUse
                default: .connectionFailed
                }
            throw CQLClientError(code, "cannot connect to \(host):\(port): \(error.message)")
        }
        multiplexer.attach(socket)

        do {
            let handshake = Handshake(multiplexer: multiplexer, configuration: configuration)
            let (supported, lwtMask) = try await handshake.run()
            return CQLConnection(
                host: host,
                port: port,
                socket: socket,
                multiplexer: multiplexer,
                supported: supported,
                lwtMask: lwtMask,
                requestTimeout: configuration.requestTimeout
            )
        } catch {
            socket.abort()
            throw error
        }
    }

    // MARK: Requests

    /// Sends a request and returns the response frame as it came, ERROR responses included.
    ///
    /// - Parameter timeout: The deadline; the configuration's request timeout when `nil`.
    /// - Throws: ``CQLClientError`` when the request cannot be sent, times out or its connection closes.
    public func send(_ request: CQLRequest, timeout: Duration? = nil) async throws -> CQLResponseFrame {
        try await multiplexer.send(request, timeout: timeout ?? requestTimeout)
    }

    /// Sends a request and returns its RESULT.
    ///
    /// - Throws: ``CQLServerError`` for an ERROR response, ``CQLClientError`` for the rest.
    public func result(of request: CQLRequest, timeout: Duration? = nil) async throws -> CQLResult {
        let frame = try await send(request, timeout: timeout)
        switch frame.response {
        case .result(let result):
            return result
        case .ready:
            return .void
        case .error(let error):
            throw error
        default:
            throw CQLClientError(.protocolViolation, "\(request.opcode) was answered by \(frame.header.opcode)")
        }
    }

    /// Runs query text.
    public func query(_ text: String, _ parameters: CQLQueryParameters) async throws -> CQLResult {
        try await result(of: .query(text, parameters))
    }

    /// Prepares query text on this connection's node.
    public func prepare(_ text: String) async throws -> CQLPreparedMetadata {
        let result = try await result(of: .prepare(text))
        guard case .prepared(let metadata) = result else {
            throw CQLClientError(.protocolViolation, "PREPARE was answered by a result that is not Prepared")
        }
        return metadata
    }

    /// Subscribes this connection to events; they go to the `onEvent` handler given to `connect`.
    public func register(for kinds: [CQLEvent.Kind]) async throws {
        _ = try await result(of: .register(kinds))
    }

    // MARK: State

    /// Whether the connection has closed; a closed connection fails every request at once.
    public var isClosed: Bool { multiplexer.isClosed }

    /// Requests waiting for a response.
    public var inFlightRequests: Int { multiplexer.inFlight }

    /// Requests that timed out and whose stream ids wait for late responses.
    public var orphanedRequests: Int { multiplexer.orphans }

    /// Closes the connection; requests in flight fail with ``CQLClientError/Code/connectionClosed``.
    public func close() {
        multiplexer.close(with: CQLClientError(.shutDown, "the connection was closed"))
        socket.close()
    }

    /// Suspends until the socket has closed.
    public func waitUntilClosed() async {
        _ = await socket.waitUntilClosed()
    }
}
