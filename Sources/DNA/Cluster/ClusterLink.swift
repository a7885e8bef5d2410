import DNANetwork
import Synchronization

/// This node's end of the cluster transport: it forwards messages to the nodes that own their actors and hands
/// the messages that peers forward here to the node.
final class ClusterLink: Sendable {
    let transport: ClusterTransport
    let group: EventLoopGroup
    private let addresses = Mutex<[String: PeerAddress]>([:])
    private let advertisedAddress = Mutex<String>("")

    /// Creates the link; ``start(_:)`` binds it.
    ///
    /// - Parameters:
    ///   - configuration: Listening address and secret.
    ///   - cluster: The cluster name peers must share.
    ///   - identity: The node id told to peers in the handshake (the process's first identity).
    ///   - group: The event loops of the transport.
    ///   - handler: Receives peers' messages on an event-loop thread.
    ///   - didFinishRead: Called on that thread after the messages of one read.
    init(
        configuration: TransportConfiguration,
        cluster: String,
        identity: NodeID,
        group: EventLoopGroup,
        handler: @escaping ClusterTransport.IncomingHandler,
        didFinishRead: @escaping @Sendable () -> Void
    ) {
        var settings = ClusterTransport.Configuration(
            clusterName: cluster,
            nodeID: identity.description,
            secret: configuration.secret
        )
        settings.maximumFrameSize = configuration.maximumFrameSize
        settings.coalescingDelay = configuration.castCoalescing
        self.group = group
        self.transport = ClusterTransport(
            configuration: settings,
            group: group,
            handler: handler,
            didFinishRead: didFinishRead
        )
    }

    /// Binds the listener and works out the address to advertise.
    ///
    /// - Returns: The advertised `host:port`.
    /// - Throws: ``DNAError/Code/badRequest`` for a malformed or wildcard address, the transport's bind error as
    ///   ``DNAError/Code/internal``.
    func start(_ configuration: TransportConfiguration) async throws -> String {
        guard let listen = PeerAddress(configuration.listen) else {
            throw DNAError(.badRequest, "the transport address \(configuration.listen) is not host:port")
        }
        let bound: PeerAddress
        do {
            bound = try await transport.start(listen: listen)
        } catch {
            throw DNAError(.internal, "the transport cannot listen on \(configuration.listen): \(error.message)")
        }

        let advertised: String
        if let advertise = configuration.advertise {
            guard let parsed = PeerAddress(advertise), parsed.port != 0 else {
                throw DNAError(.badRequest, "the advertised address \(advertise) is not host:port")
            }
            advertised = parsed.description
        } else {
            guard !["0.0.0.0", "::", "*"].contains(bound.host) else {
                throw DNAError(.badRequest, "listening on \(bound) needs an advertised address for peers")
            }
            advertised = bound.description
        }
        advertisedAddress.withLock { $0 = advertised }
        return advertised
    }

    /// The address written in this node's heartbeat row.
    var advertised: String {
        advertisedAddress.withLock { $0 }
    }

    /// Sends a request to the node at `address` and waits for the answer.
    ///
    /// - Throws: ``LinkFailure``: `notSent` when the request never left (no connection, back-off, overload),
    ///   so that it may be sent elsewhere; `outcomeUnknown` when it may have been handled (timeout, a
    ///   connection that broke with the request in flight).
    func request(to address: String, payload: [UInt8], timeout: Duration) async throws(LinkFailure) -> [UInt8] {
        let peer = try peerAddress(address)
        do {
            return try await transport.request(to: peer, payload: payload, timeout: timeout)
        } catch {
            throw LinkFailure(error)
        }
    }

    /// Sends a one-way message to the node at `address`.
    func send(to address: String, payload: [UInt8]) throws(LinkFailure) {
        let peer = try peerAddress(address)
        do {
            try transport.send(to: peer, payload: payload)
        } catch {
            throw LinkFailure(error)
        }
    }

    /// Sends a one-way message made of a reused header and a payload.
    func send(to address: String, prefix: [UInt8], payload: [UInt8]) throws(LinkFailure) {
        let peer = try peerAddress(address)
        do {
            try transport.send(to: peer, prefix: prefix, payload: payload)
        } catch {
            throw LinkFailure(error)
        }
    }

    /// The transport's channel to the node at `address`, for a route that sends it many messages.
    func peer(at address: String) -> ClusterTransport.Peer? {
        guard let parsed = try? peerAddress(address) else {
            return nil
        }
        return try? transport.peer(at: parsed)
    }

    /// Sends a one-way message on a channel looked up with ``peer(at:)``.
    func send(to peer: ClusterTransport.Peer, prefix: [UInt8], payload: [UInt8]) throws(LinkFailure) {
        do {
            try transport.send(to: peer, prefix: prefix, payload: payload)
        } catch {
            throw LinkFailure(error)
        }
    }

    /// Opens the connection to a newly seen peer so that the first forwarded message finds it ready.
    func connect(to address: String) async {
        guard let peer = try? peerAddress(address) else {
            return
        }
        try? await transport.connect(to: peer)
    }

    /// Closes the connection to a peer that left or died.
    func disconnect(from address: String) {
        guard let peer = addresses.withLock({ $0.removeValue(forKey: address) }) else {
            return
        }
        transport.disconnect(from: peer)
    }

    func shutdown() async {
        await transport.shutdown()
    }

    private func peerAddress(_ address: String) throws(LinkFailure) -> PeerAddress {
        if let known = addresses.withLock({ $0[address] }) {
            return known
        }
        guard let parsed = PeerAddress(address) else {
            throw .notSent(DNAError(.nodeUnreachable, "a peer advertises the malformed address \(address)"))
        }
        addresses.withLock { $0[address] = parsed }
        return parsed
    }
}

/// Why a forwarded message failed, and whether it may have reached the peer.
enum LinkFailure: Error {
    /// The message never left this node: sending it elsewhere cannot handle it twice.
    case notSent(DNAError)

    /// The message may have been handled; the caller must not send it again on its own.
    case outcomeUnknown(DNAError)

    init(_ error: ClusterTransportError) {
        switch error.code {
        case .timedOut:
            self = .outcomeUnknown(DNAError(.timedOut, "the owning node did not answer in time"))
        case .closed:
            self = .outcomeUnknown(DNAError(.nodeUnreachable, "the connection to the owning node broke"))
        case .cancelled:
            self = .outcomeUnknown(DNAError(.timedOut, "the call was cancelled"))
        case .tooLarge:
            self = .notSent(DNAError(.limitExceeded, error.message))
        default:
            self = .notSent(DNAError(.nodeUnreachable, error.description))
        }
    }

    var error: DNAError {
        switch self {
        case .notSent(let error), .outcomeUnknown(let error):
            return error
        }
    }
}
