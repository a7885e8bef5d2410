extension ClusterTransport {
    /// A request or one-way message from a peer, as handed to the transport's
    /// ``ClusterTransport/IncomingHandler``.
    public struct IncomingMessage: Sendable {
        /// The node id the peer proved in the handshake.
        public let peerNodeID: String

        /// The message bytes, as the peer passed them to `request` or `send`.
        public let payload: [UInt8]

        let connection: TCPConnection
        let requestID: UInt64?
        let maximumFrameSize: Int

        /// The event loop the message arrived on. Work that continues a request may run there, as a task that
        /// prefers it as its executor, to answer without waking another thread.
        public var loop: EventLoop {
            connection.loop
        }

        /// Whether the peer waits for a ``reply(_:)`` (a request) or not (a one-way message).
        public var expectsReply: Bool {
            requestID != nil
        }

        /// Sends the reply to a request over the connection it came on.
        ///
        /// Call it at most once per request; later calls are ignored by the
        /// requester. A reply larger than the maximum frame size is not sent:
        /// the requester gets ``ClusterTransportError/Code/tooLarge`` instead.
        ///
        /// - Parameter payload: The reply bytes.
        /// - Returns: `false` when nothing was sent: the message was one-way, the
        ///   reply was too large, or the connection has closed.
        /// - Important: Callable from any thread; never blocks.
        @discardableResult
        public func reply(_ payload: [UInt8]) -> Bool {
            guard let requestID else {
                return false
            }
            guard payload.count + ClusterFrame.overhead <= maximumFrameSize else {
                connection.write(ClusterFrame.replyRefused(id: requestID).encoded())
                return false
            }
            return connection.write(ClusterFrame.reply(id: requestID, payload: payload).encoded())
        }
    }
}
