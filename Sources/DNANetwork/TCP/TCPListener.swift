import Glibc
import Synchronization

/// A listening TCP socket that accepts connections and spreads them over an
/// event-loop group.
///
/// The socket is bound when the listener is created, so ``localAddress``
/// reports the real port even when port 0 asked the kernel to pick one.
/// Accept failures such as running out of descriptors (`EMFILE`) pause
/// accepting briefly; they never stop the loop or the listener.
public final class TCPListener: Sendable {
    /// The address the socket is bound to.
    public let localAddress: SocketAddress

    private let acceptor: Acceptor

    /// Binds, listens and starts accepting.
    ///
    /// - Parameters:
    ///   - host: An IPv4 or IPv6 literal, `localhost` (binds `127.0.0.1`), or
    ///     a wildcard such as `0.0.0.0` or `::`.
    ///   - port: The port; 0 lets the kernel choose.
    ///   - group: Accepted connections are spread over its loops.
    ///   - backlog: The kernel's queue of not yet accepted connections.
    ///   - configuration: Settings for every accepted connection.
    ///   - makeHandler: Creates the handler of each accepted connection; runs
    ///     on that connection's loop thread before any byte is delivered.
    /// - Throws: ``NetworkError`` with code `invalidAddress` or `bindFailed`.
    /// - Important: Binding happens on the calling thread and may block for
    ///   host names that need DNS.
    public convenience init(
        host: String,
        port: Int,
        group: EventLoopGroup,
        backlog: Int32 = 511,
        configuration: TCPConnection.Configuration = .init(),
        makeHandler: @escaping @Sendable (TCPConnection) -> any TCPConnectionHandler
    ) throws(NetworkError) {
        try self.init(
            host: host,
            port: port,
            group: group,
            backlog: backlog,
            configuration: configuration,
            accept: Socket.accept,
            makeHandler: makeHandler
        )
    }

    /// The designated initialiser; tests pass an `accept` that fails on purpose.
    init(
        host: String,
        port: Int,
        group: EventLoopGroup,
        backlog: Int32,
        configuration: TCPConnection.Configuration,
        accept: @escaping @Sendable (Int32) -> Socket.AcceptResult,
        makeHandler: @escaping @Sendable (TCPConnection) -> any TCPConnectionHandler
    ) throws(NetworkError) {
        let addresses = try SocketAddress.resolveBlocking(host: host, port: port)
        let descriptor = try Self.bind(addresses[0], backlog: backlog)

        guard let bound = Socket.localAddress(descriptor) else {
            Glibc.close(descriptor)
            throw NetworkError(code: .bindFailed, message: "getsockname failed", systemErrno: errno)
        }
        localAddress = bound

        acceptor = Acceptor(
            descriptor: descriptor,
            loop: group.next(),
            group: group,
            configuration: configuration,
            accept: accept,
            makeHandler: makeHandler
        )
        try acceptor.start()
    }

    /// Stops accepting and closes the listening socket; connections already
    /// accepted stay open.
    ///
    /// - Important: Callable from any thread.
    public func close() {
        acceptor.stop()
    }

    /// Suspends until the listening socket is closed.
    public func waitUntilClosed() async {
        await acceptor.waitUntilClosed()
    }

    /// How many accept calls failed with a resource error (such as `EMFILE`).
    public var acceptFailureCount: Int {
        acceptor.failureCount.load(ordering: .relaxed)
    }

    private static func bind(_ address: SocketAddress, backlog: Int32) throws(NetworkError) -> Int32 {
        let descriptor = try Socket.makeTCP(domain: address.domain)
        Socket.setReuseAddress(descriptor)

        let bound = address.withSockAddr { Glibc.bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            throw NetworkError(code: .bindFailed, message: "cannot bind \(address)", systemErrno: failure)
        }

        guard listen(descriptor, backlog) == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            throw NetworkError(code: .bindFailed, message: "cannot listen on \(address)", systemErrno: failure)
        }
        return descriptor
    }
}

/// The loop side of a listener.
private final class Acceptor: LoopSelectable, @unchecked Sendable {
    // @unchecked: `registrationID`, `isOpen` and `isPaused` are used only on `loop`'s thread; the rest is immutable,
    // atomic or under a Mutex.
    private static let acceptsPerWakeUp = 64
    private static let backoff = Duration.milliseconds(100)

    let descriptor: Int32
    let loop: EventLoop
    let group: EventLoopGroup
    let configuration: TCPConnection.Configuration
    let makeHandler: @Sendable (TCPConnection) -> any TCPConnectionHandler
    let accept: @Sendable (Int32) -> Socket.AcceptResult
    let failureCount = Atomic<Int>(0)
    private let closeWaiters = Mutex<[CheckedContinuation<Void, Never>]?>([])

    private var registrationID: UInt64 = 0
    private var isOpen = false
    private var isPaused = false

    init(
        descriptor: Int32,
        loop: EventLoop,
        group: EventLoopGroup,
        configuration: TCPConnection.Configuration,
        accept: @escaping @Sendable (Int32) -> Socket.AcceptResult,
        makeHandler: @escaping @Sendable (TCPConnection) -> any TCPConnectionHandler
    ) {
        self.accept = accept
        self.descriptor = descriptor
        self.loop = loop
        self.group = group
        self.configuration = configuration
        self.makeHandler = makeHandler
    }

    func start() throws(NetworkError) {
        let accepted = loop.tryExecute { [self] in
            do {
                registrationID = try loop.register(self, descriptor: descriptor, events: EpollEvents.readable)
                isOpen = true
            } catch {
                closeDescriptor()
            }
        }

        guard accepted else {
            Glibc.close(descriptor)
            throw EventLoop.shutDownError
        }
    }

    func stop() {
        loop.execute { [self] in
            guard isOpen else {
                return
            }

            loop.deregister(id: registrationID, descriptor: descriptor)
            closeDescriptor()
        }
    }

    func waitUntilClosed() async {
        await withCheckedContinuation { waiter in
            let isClosed = closeWaiters.withLock { waiters -> Bool in
                guard waiters != nil else {
                    return true
                }
                waiters?.append(waiter)
                return false
            }
            if isClosed {
                waiter.resume()
            }
        }
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<Self.acceptsPerWakeUp {
            switch accept(descriptor) {
            case .success((let connection, _)):
                hand(connection)

            case .failure(let failure) where failure.errno == EAGAIN || failure.errno == EWOULDBLOCK:
                return

            case .failure(let failure) where failure.errno == EINTR || failure.errno == ECONNABORTED:
                continue

            case .failure:
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the pending connection stays queued and
                // epoll would report it again at once, so stop listening for a moment.
                failureCount.add(1, ordering: .relaxed)
                pauseAccepting()
                return
            }
        }
    }

    func loopIsShuttingDown() {
        guard isOpen else {
            return
        }
        closeDescriptor()
    }

    private func hand(_ descriptor: Int32) {
        let target = group.next()
        let configuration = configuration
        let makeHandler = makeHandler

        if target === loop {
            _ = TCPConnection.start(
                descriptor: descriptor,
                loop: target,
                configuration: configuration,
                makeHandler: makeHandler
            )
            return
        }

        let accepted = target.tryExecute {
            _ = TCPConnection.start(
                descriptor: descriptor,
                loop: target,
                configuration: configuration,
                makeHandler: makeHandler
            )
        }
        if !accepted {
            Glibc.close(descriptor)
        }
    }

    private func pauseAccepting() {
        guard !isPaused else {
            return
        }

        isPaused = true
        loop.reregister(id: registrationID, descriptor: descriptor, events: 0)

        loop.scheduleTask(in: Self.backoff) { [self] in
            guard isOpen else {
                return
            }
            isPaused = false
            loop.reregister(id: registrationID, descriptor: descriptor, events: EpollEvents.readable)
        }
    }

    private func closeDescriptor() {
        isOpen = false
        Glibc.close(descriptor)

        let waiters = closeWaiters.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}
