import Synchronization

/// Byte-oriented messaging between the nodes of a cluster over TCP.
///
/// A transport listens for peers (``start(listen:)``) and opens one
/// connection to each peer it addresses, on first use. Every connection
/// begins with a handshake in which both ends name their cluster and node and
/// prove the cluster secret (HMAC-SHA256 over fresh nonces); then it carries
/// length-prefixed frames. Many requests share a connection, told apart by
/// 64-bit ids; one-way messages to a peer arrive in the order sent. Frames
/// queued while a write is in progress leave in one `send` (write coalescing).
///
/// Failures stay local: garbage bytes, a wrong secret, an oversized frame or
/// a peer that stops reading close that one connection, and requests on it
/// fail with ``ClusterTransportError``. After failed connects to a peer, calls
/// to it fail fast with ``ClusterTransportError/Code/unreachable`` until the
/// back-off (``ReconnectBackoff``) ends; the next call then reconnects.
///
/// Payloads are opaque bytes: encoding messages is the caller's business.
///
/// - Important: Incoming messages are delivered on event-loop threads; the
///   handler must not block. Every other method is callable from any thread
///   or task and never blocks a thread.
public final class ClusterTransport: Sendable {
    /// Receives each request and one-way message from peers.
    ///
    /// - Important: Runs on an event-loop thread, for all messages of one
    ///   connection in order: return quickly and never block. Hand work to a
    ///   task or thread, and call ``IncomingMessage/reply(_:)`` from there.
    public typealias IncomingHandler = @Sendable (IncomingMessage) -> Void

    /// The settings the transport was created with.
    public let configuration: Configuration

    private let group: EventLoopGroup
    private let context: ClusterContext
    private let channels = Mutex<[PeerAddress: PeerChannel]>([:])
    private let listener = Mutex<TCPListener?>(nil)
    private let nextRequestID = Atomic<UInt64>(1)
    private let isShutDown = Atomic<Bool>(false)

    /// Creates a transport; it neither listens nor connects yet.
    ///
    /// - Parameters:
    ///   - configuration: Identity, secret and limits.
    ///   - group: The event loops that run the transport's connections.
    ///   - handler: Receives peers' requests and one-way messages.
    ///   - didFinishRead: Called on the loop thread after the messages of one read from a peer were handed to
    ///     `handler`, so that work started per message can be gathered per read (such as waking a consumer
    ///     once for a burst of one-way messages).
    public init(
        configuration: Configuration,
        group: EventLoopGroup,
        handler: @escaping IncomingHandler,
        didFinishRead: (@Sendable () -> Void)? = nil
    ) {
        self.configuration = configuration
        self.group = group
        self.context = ClusterContext(configuration: configuration, handler: handler, didFinishRead: didFinishRead)
    }

    // MARK: Listening

    /// Starts accepting peers on `address`.
    ///
    /// - Parameter address: The host (an IP literal, or a name resolved once)
    ///   and port to bind; port 0 binds a free port.
    /// - Returns: The bound address, with the actual port.
    /// - Throws: ``ClusterTransportError`` with code `bindFailed`, or
    ///   `shutDown` after ``shutdown()``.
    @discardableResult
    public func start(listen address: PeerAddress) async throws(ClusterTransportError) -> PeerAddress {
        guard !isShutDown.load(ordering: .acquiring) else {
            throw ClusterTransportError(code: .shutDown, message: "the transport is shut down")
        }

        let context = self.context
        let group = self.group
        let bound: TCPListener
        do {
            // Binding may resolve a host name, which blocks: keep it off the cooperative pool.
            bound = try await ThreadLauncher.runBlocking(name: "dna-bind") {
                try TCPListener(
                    host: address.host,
                    port: address.port,
                    group: group,
                    configuration: context.configuration.connectionConfiguration
                ) { _ in
                    ClusterConnectionHandler(side: .accepted, context: context)
                }
            }
        } catch {
            throw ClusterTransportError(code: .bindFailed, message: "cannot listen on \(address): \(error)")
        }

        let previous = listener.withLock { current in
            defer { current = bound }
            return current
        }
        previous?.close()
        return PeerAddress(host: bound.localAddress.host, port: bound.localAddress.port)
    }

    /// The address the listener is bound to, or `nil` before ``start(listen:)``.
    public var boundAddress: PeerAddress? {
        listener.withLock { $0.map { PeerAddress(host: $0.localAddress.host, port: $0.localAddress.port) } }
    }

    // MARK: Talking to peers

    /// Sends a request to `peer` and waits for its reply.
    ///
    /// Opens the connection first if there is none.
    ///
    /// - Parameters:
    ///   - peer: The peer's listening address.
    ///   - payload: The request bytes.
    ///   - timeout: How long to wait for the reply, connecting included.
    ///     Timeouts are checked every ``Configuration/timeoutResolution``.
    /// - Returns: The reply bytes.
    /// - Throws: ``ClusterTransportError`` with code `unreachable`,
    ///   `handshakeFailed`, `timedOut`, `closed` (the request may or may not
    ///   have been handled), `tooLarge`, `overloaded`, `cancelled` or `shutDown`.
    public func request(
        to peer: PeerAddress,
        payload: [UInt8],
        timeout: Duration = .seconds(10)
    ) async throws(ClusterTransportError) -> [UInt8] {
        try checkSize(payload.count, peer: peer)
        let channel = try channel(for: peer)
        guard !Task.isCancelled else {
            throw Self.cancelledError(peer)
        }

        let id = nextRequestID.wrappingAdd(1, ordering: .relaxed).oldValue
        let frame = ClusterFrame.request(id: id, payload: payload).encoded()
        let deadline = MonotonicTime.now().advanced(by: timeout)

        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                channel.request(id: id, frame: frame, deadline: deadline, continuation: continuation)
                // A cancel that came before the request was registered found nothing to end.
                if Task.isCancelled {
                    channel.complete(id, with: .failure(Self.cancelledError(peer)))
                }
            }
        } onCancel: {
            channel.complete(id, with: .failure(Self.cancelledError(peer)))
        }
        return try result.get()
    }

    /// Sends a one-way message to `peer`.
    ///
    /// Messages to one peer are delivered in the order of `send` calls that
    /// follow one another (from one task or thread); delivery is not
    /// confirmed and a message may be lost if the connection fails.
    ///
    /// - Parameters:
    ///   - peer: The peer's listening address.
    ///   - payload: The message bytes.
    /// - Throws: ``ClusterTransportError`` with code `unreachable`,
    ///   `closed`, `tooLarge`, `overloaded` or `shutDown`.
    /// - Important: Never blocks; to slow down for a slow peer, await
    ///   ``waitUntilWritable(to:)`` between sends.
    public func send(to peer: PeerAddress, payload: [UInt8]) throws(ClusterTransportError) {
        try checkSize(payload.count, peer: peer)
        try channel(for: peer).send(ClusterFrame.oneWay(payload: payload).encoded())
    }

    /// A peer's outbound channel, looked up once, for a sender of many messages to it.
    public struct Peer: Sendable {
        let channel: PeerChannel

        /// The peer's listening address.
        public var address: PeerAddress { channel.address }
    }

    /// The channel to `address`, for ``send(to:prefix:payload:)-(Peer,_,_)``: a sender that keeps it skips the
    /// lookup of the channel by address on every message.
    ///
    /// - Throws: ``ClusterTransportError`` with code `shutDown` after ``shutdown()``.
    public func peer(at address: PeerAddress) throws(ClusterTransportError) -> Peer {
        Peer(channel: try channel(for: address))
    }

    /// Sends a one-way message to a peer looked up with ``peer(at:)``.
    ///
    /// - Throws: As ``send(to:payload:)``; `closed` also when the channel was closed since (``disconnect(from:)``
    ///   or a shutdown): look the peer up again.
    public func send(to peer: Peer, prefix: [UInt8], payload: [UInt8]) throws(ClusterTransportError) {
        try checkSize(prefix.count + payload.count, peer: peer.address)
        try peer.channel.send(ClusterFrame.oneWay(prefix: prefix, payload: payload))
    }

    /// Sends a one-way message whose bytes are `prefix` followed by `payload`, as ``send(to:payload:)`` does,
    /// without joining the two first: for a header encoded once and reused.
    public func send(to peer: PeerAddress, prefix: [UInt8], payload: [UInt8]) throws(ClusterTransportError) {
        try checkSize(prefix.count + payload.count, peer: peer)
        try channel(for: peer).send(ClusterFrame.oneWay(prefix: prefix, payload: payload))
    }

    /// Suspends while more than ``Configuration/writeHighWaterMark`` bytes
    /// are queued on the connection to `peer` (back-pressure for senders).
    ///
    /// Returns at once when there is no open connection.
    ///
    /// - Parameter peer: The peer's listening address.
    /// - Throws: ``ClusterTransportError`` with code `closed` when the
    ///   connection closes while waiting.
    public func waitUntilWritable(to peer: PeerAddress) async throws(ClusterTransportError) {
        guard let connection = channels.withLock({ $0[peer] })?.connection else {
            return
        }

        do {
            try await connection.waitUntilWritable()
        } catch {
            throw ClusterTransportError(code: .closed, message: "the connection to the peer closed", peer: peer)
        }
    }

    /// Opens and verifies the connection to `peer` unless it is open; after
    /// failures, waits for the back-off to end first.
    ///
    /// Useful when a peer is discovered, so that the first call finds the
    /// connection ready.
    ///
    /// - Parameter peer: The peer's listening address.
    /// - Throws: ``ClusterTransportError`` with code `unreachable`,
    ///   `handshakeFailed` or `shutDown`.
    public func connect(to peer: PeerAddress) async throws(ClusterTransportError) {
        try await channel(for: peer).waitUntilConnected().get()
    }

    /// The node id `peer` proved on its current connection, if one was verified.
    ///
    /// - Parameter peer: The peer's listening address.
    public func nodeID(of peer: PeerAddress) -> String? {
        channels.withLock { $0[peer] }?.peerNodeID
    }

    /// Closes the connection to `peer` and forgets it, failing its requests
    /// in flight with ``ClusterTransportError/Code/closed``.
    ///
    /// A later call to the same address starts afresh, without back-off.
    ///
    /// - Parameter peer: The peer's listening address.
    public func disconnect(from peer: PeerAddress) {
        let channel = channels.withLock { $0.removeValue(forKey: peer) }
        _ = channel?.close(with: ClusterTransportError(code: .closed, message: "disconnected", peer: peer))
    }

    // MARK: Shutting down

    /// Stops listening, fails every pending call with
    /// ``ClusterTransportError/Code/shutDown``, closes every connection and
    /// waits until they have closed. Later calls fail with `shutDown`.
    ///
    /// The event-loop group is the caller's and keeps running.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }

        let stopped = listener.withLock { $0 }
        stopped?.close()
        await stopped?.waitUntilClosed()

        let closing = channels.withLock { channels in
            defer { channels = [:] }
            return Array(channels.values)
        }
        var connects: [Task<Void, Never>] = []
        for channel in closing {
            let error = ClusterTransportError(
                code: .shutDown,
                message: "the transport shut down",
                peer: channel.address
            )
            if let task = channel.close(with: error) {
                connects.append(task)
            }
        }
        for task in connects {
            await task.value
        }

        for connection in context.openConnections {
            connection.close()
            _ = await connection.waitUntilClosed()
        }
    }

    // MARK: Diagnostics

    /// How many TCP connects the transport has started.
    var connectAttemptCount: Int {
        context.connectAttempts.load(ordering: .relaxed)
    }

    /// The open, verified connection to `peer`, for tests.
    func connection(to peer: PeerAddress) -> TCPConnection? {
        channels.withLock { $0[peer] }?.connection
    }

    /// Connections open right now (inbound and outbound, verified or not).
    var openConnectionCount: Int {
        context.openConnections.count
    }

    // MARK: Internals

    private func channel(for peer: PeerAddress) throws(ClusterTransportError) -> PeerChannel {
        let channel = channels.withLock { channels -> PeerChannel? in
            guard !isShutDown.load(ordering: .acquiring) else {
                return nil
            }
            if let existing = channels[peer] {
                return existing
            }

            let created = PeerChannel(address: peer, loop: group.next(), context: context)
            channels[peer] = created
            return created
        }

        guard let channel else {
            throw ClusterTransportError(code: .shutDown, message: "the transport is shut down", peer: peer)
        }
        return channel
    }

    private static func cancelledError(_ peer: PeerAddress) -> ClusterTransportError {
        ClusterTransportError(code: .cancelled, message: "the calling task was cancelled", peer: peer)
    }

    /// Refuses a payload of `size` bytes that would not fit in one frame.
    private func checkSize(_ size: Int, peer: PeerAddress) throws(ClusterTransportError) {
        guard size + ClusterFrame.overhead <= configuration.maximumFrameSize else {
            throw ClusterTransportError(
                code: .tooLarge,
                message: "a payload of \(size) bytes exceeds the maximum frame size",
                peer: peer
            )
        }
    }
}
