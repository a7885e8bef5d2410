/// An error reported by ``ClusterTransport`` to a caller.
///
/// Branch on ``code``; new codes may be added, so a `switch` needs a default.
/// ``message`` is for people and never contains payload bytes.
public struct ClusterTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, comparable with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// No connection to the peer could be made, or the peer is in its
        /// reconnect back-off after failed attempts.
        public static let unreachable = Code("unreachable")

        /// The peer answered but the handshake failed: another cluster, another
        /// secret or an unsupported protocol version.
        public static let handshakeFailed = Code("handshakeFailed")

        /// No reply arrived before the request's timeout.
        public static let timedOut = Code("timedOut")

        /// The connection closed while the request was in flight; it may or may
        /// not have been handled.
        public static let closed = Code("closed")

        /// A payload or reply exceeded the maximum frame size.
        public static let tooLarge = Code("tooLarge")

        /// More bytes are queued for the peer than the configured bound allows.
        public static let overloaded = Code("overloaded")

        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")

        /// The transport is shut down, or was never started.
        public static let shutDown = Code("shutDown")

        /// The listener could not bind its address.
        public static let bindFailed = Code("bindFailed")

        public var description: String {
            name
        }
    }

    /// The kind of failure.
    public let code: Code

    /// A human-readable explanation.
    public let message: String

    /// The peer the failed operation addressed, when there was one.
    public let peer: PeerAddress?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A human-readable explanation without payload data.
    ///   - peer: The peer involved, if any.
    public init(code: Code, message: String, peer: PeerAddress? = nil) {
        self.code = code
        self.message = message
        self.peer = peer
    }

    public var description: String {
        if let peer {
            return "ClusterTransportError.\(code) (\(peer)): \(message)"
        }
        return "ClusterTransportError.\(code): \(message)"
    }
}
