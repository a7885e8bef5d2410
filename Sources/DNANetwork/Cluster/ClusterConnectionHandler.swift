/// Runs the handshake on one cluster connection, then turns its frames into
/// calls: requests and one-way messages on accepted connections go to the
/// incoming handler; replies on opened connections go to the peer channel.
///
/// Traffic is one-directional per connection: a node sends its requests on
/// the connection it opened and answers the peer's on the one it accepted, so
/// each side of a connection knows which frames are legal. Anything else
/// closes the connection as a protocol error.
///
/// - Important: Loop-confined, like every ``TCPConnectionHandler``.
final class ClusterConnectionHandler: TCPConnectionHandler {
    enum Side {
        /// Accepted by the listener: serves the peer's requests.
        case accepted

        /// Opened by this channel: carries its requests and sends.
        case opened(PeerChannel)
    }

    private let side: Side
    private let context: ClusterContext
    private let decoder: LengthPrefixedFrameDecoder
    private let handshakeDecoder = LengthPrefixedFrameDecoder(
        maximumFrameLength: ClusterHandshake.maximumFrameLength,
        allowsEmptyFrames: false
    )
    private var handshake: ClusterHandshake
    private var handshakeTimer: ScheduledTask?
    private var peerNodeID = ""

    init(side: Side, context: ClusterContext) {
        self.side = side
        self.context = context
        self.decoder = LengthPrefixedFrameDecoder(
            maximumFrameLength: context.configuration.maximumFrameSize,
            allowsEmptyFrames: false
        )

        let role: ClusterHandshake.Role
        switch side {
        case .accepted:
            role = .acceptor
        case .opened:
            role = .initiator
        }
        self.handshake = ClusterHandshake(
            role: role,
            cluster: context.configuration.clusterName,
            nodeID: context.configuration.nodeID,
            authenticator: context.authenticator
        )
    }

    func connectionDidBecomeActive(_ connection: TCPConnection) {
        context.track(connection)
        connection.writeFrame(handshake.hello())

        // A peer that connects and says nothing must not hold a descriptor for ever.
        handshakeTimer = connection.loop.scheduleTask(in: context.configuration.handshakeTimeout) {
            connection.abort(reason: .protocolError("the cluster handshake timed out"))
        }
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        if case .accepted = side, let didFinishRead = context.didFinishRead {
            defer { didFinishRead() }
            readFrames(connection, &buffer)
        } else {
            readFrames(connection, &buffer)
        }
    }

    private func readFrames(_ connection: TCPConnection, _ buffer: inout ByteBuffer) {
        do {
            while connection.acceptsInput {
                if handshake.isEstablished {
                    guard let frame = try decoder.nextFrame(from: &buffer) else {
                        return
                    }
                    try dispatch(try ClusterFrame.decode(frame), from: connection)
                } else {
                    guard let frame = try handshakeDecoder.nextFrame(from: &buffer) else {
                        return
                    }
                    try advanceHandshake(with: frame, on: connection)
                }
            }
        } catch {
            buffer.clear()
            connection.abort(reason: .protocolError(error.message))
        }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        handshakeTimer?.cancel()
        context.untrack(connection)

        if case .opened(let channel) = side {
            channel.connectionDidClose(connection, reason: reason, wasEstablished: handshake.isEstablished)
        }
    }

    private func advanceHandshake(with frame: ByteBuffer, on connection: TCPConnection) throws(NetworkError) {
        switch try handshake.receive(frame) {
        case .send(let body):
            connection.writeFrame(body)

        case .established(let peerNodeID):
            self.peerNodeID = peerNodeID
            handshakeTimer?.cancel()
            handshakeTimer = nil
            if case .opened(let channel) = side {
                channel.connectionDidEstablish(connection, peerNodeID: peerNodeID)
            }
        }
    }

    private func dispatch(_ frame: ClusterFrame, from connection: TCPConnection) throws(NetworkError) {
        switch (side, frame) {
        case (.accepted, .request(let id, let payload)):
            context.handler(message(payload, requestID: id, on: connection))

        case (.accepted, .oneWay(let payload)):
            context.handler(message(payload, requestID: nil, on: connection))

        case (.opened(let channel), .reply(let id, let payload)):
            channel.complete(id, with: .success(payload))

        case (.opened(let channel), .replyRefused(let id)):
            let error = ClusterTransportError(
                code: .tooLarge,
                message: "the reply exceeded the peer's maximum frame size",
                peer: channel.address
            )
            channel.complete(id, with: .failure(error))

        default:
            throw NetworkError(code: .malformed, message: "cluster frame not valid in this direction")
        }
    }

    private func message(
        _ payload: [UInt8],
        requestID: UInt64?,
        on connection: TCPConnection
    )
        -> ClusterTransport.IncomingMessage
    {
        ClusterTransport.IncomingMessage(
            peerNodeID: peerNodeID,
            payload: payload,
            connection: connection,
            requestID: requestID,
            maximumFrameSize: context.configuration.maximumFrameSize
        )
    }
}
