import Synchronization

/// An HTTP/1.1 server on DNANetwork's event loops.
///
/// Each connection is parsed on its loop thread; every complete request is
/// handed to the async handler as a child task of ``run()``, so the loop
/// never awaits. Responses on one connection go out in request order
/// (pipelined requests are answered one after the other). Invalid input is
/// answered with 400, 408, 413, 414, 431, 501 or 505 and that connection is
/// closed; other connections are unaffected.
///
/// ```swift
/// let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group) { request in
///     HTTPResponse(text: "hello \(request.path)")
/// }
/// try await withDiscardingTaskGroup { tasks in
///     tasks.addTask { await server.run() }
///     ...
///     server.shutdown()
/// }
/// ```
public final class HTTPServer: Sendable {
    /// Bounds and timeouts of the server.
    public struct Configuration: Sendable {
        /// The longest request line accepted (414 beyond).
        public var maximumRequestLineLength = 8 << 10

        /// The largest header section accepted, trailers included (431 beyond).
        public var maximumHeaderBytes = 32 << 10

        /// The most header fields accepted (431 beyond).
        public var maximumHeaderCount = 100

        /// The largest body accepted (413 beyond).
        public var maximumBodyBytes = 1 << 20

        /// How long a request may take to arrive once its first byte has (408 beyond).
        public var requestTimeout: Duration = .seconds(10)

        /// How long an idle keep-alive connection stays open.
        public var keepAliveTimeout: Duration = .seconds(60)

        /// Whether responses carry a `Date` header.
        public var includesDateHeader = true

        /// Settings of each accepted TCP connection.
        public var connection = TCPConnection.Configuration()

        /// Creates the default configuration.
        public init() {}

        var parserLimits: HTTPRequestParser.Limits {
            HTTPRequestParser.Limits(
                requestLineLength: maximumRequestLineLength,
                headerBytes: maximumHeaderBytes,
                headerCount: maximumHeaderCount,
                bodyBytes: maximumBodyBytes
            )
        }
    }

    /// A parsed request and the way back to its connection.
    struct Job: Sendable {
        let request: HTTPRequest
        let respond: @Sendable (HTTPResponse) -> Void
    }

    /// The address the server listens on.
    public let localAddress: SocketAddress

    private let listener: TCPListener
    private let registry: ConnectionRegistry
    private let jobs: AsyncStream<Job>
    private let jobSink: AsyncStream<Job>.Continuation
    private let handler: @Sendable (HTTPRequest) async -> HTTPResponse
    private let hasRun = Atomic<Bool>(false)

    /// Binds and starts accepting connections.
    ///
    /// Requests are parsed from then on but handled only while ``run()`` runs.
    ///
    /// - Parameters:
    ///   - host: The address to bind: an IP literal, `localhost` or a wildcard.
    ///   - port: The port; 0 lets the kernel choose (see ``localAddress``).
    ///   - group: The loops that serve the connections.
    ///   - configuration: Bounds and timeouts.
    ///   - handler: Answers each request; runs as a task, never on a loop thread.
    /// - Throws: ``NetworkError`` when the address cannot be bound.
    public init(
        host: String,
        port: Int,
        group: EventLoopGroup,
        configuration: Configuration = .init(),
        handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) throws(NetworkError) {
        let (jobs, jobSink) = AsyncStream.makeStream(of: Job.self)
        let registry = ConnectionRegistry()

        listener = try TCPListener(
            host: host,
            port: port,
            group: group,
            configuration: configuration.connection
        ) { connection in
            registry.add(connection)
            return HTTPServerConnectionHandler(configuration: configuration) { job in
                jobSink.yield(job)
            } didClose: {
                registry.remove(connection)
            }
        }

        self.localAddress = listener.localAddress
        self.registry = registry
        self.jobs = jobs
        self.jobSink = jobSink
        self.handler = handler
    }

    /// Handles requests until ``shutdown()`` is called or the task is cancelled.
    ///
    /// Each request runs as a child task; when the server shuts down, `run()`
    /// returns after the requests already handed over have finished.
    ///
    /// - Important: Call it once.
    public func run() async {
        precondition(!hasRun.exchange(true, ordering: .relaxed), "HTTPServer.run() called twice")
        let handler = handler

        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask {
                        job.respond(await handler(job.request))
                    }
                }
            }
        } onCancel: {
            shutdown()
        }
    }

    /// Stops accepting, closes every connection gracefully and ends ``run()``.
    ///
    /// - Important: Callable from any thread; returns without waiting.
    public func shutdown() {
        listener.close()
        jobSink.finish()
        registry.closeAll()
    }

    /// How many connections are open.
    public var openConnectionCount: Int {
        registry.count
    }
}

/// The open connections of a server, so that shutdown can close them.
private final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: TCPConnection] = [:]
        var isShutDown = false
    }

    private let state = Mutex(State())

    var count: Int {
        state.withLock { $0.open.count }
    }

    func add(_ connection: TCPConnection) {
        let admitted = state.withLock { state -> Bool in
            guard !state.isShutDown else {
                return false
            }
            state.open[ObjectIdentifier(connection)] = connection
            return true
        }

        if !admitted {
            connection.close()
        }
    }

    func remove(_ connection: TCPConnection) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func closeAll() {
        let connections = state.withLock { state in
            state.isShutDown = true
            return Array(state.open.values)
        }

        for connection in connections {
            connection.close()
        }
    }
}
