/// A failure detected on the client side: a broken connection, a timeout, bytes that break the protocol, no
/// host to send to.
///
/// Compare ``code`` with the static codes; more may be added.
public struct CQLClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of client-side failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The request got no response in time. A write may or may not have been applied.
        public static let timedOut = Code("timedOut")
        /// The connection closed before the response arrived.
        public static let connectionClosed = Code("connectionClosed")
        /// A connection could not be opened or its handshake failed.
        public static let connectionFailed = Code("connectionFailed")
        /// The server sent bytes that break the protocol, or a response this client did not expect.
        public static let protocolViolation = Code("protocolViolation")
        /// Authentication was required and failed or could not be attempted.
        public static let authenticationFailed = Code("authenticationFailed")
        /// No host could take the request.
        public static let noHostAvailable = Code("noHostAvailable")
        /// A value could not be encoded for, or decoded as, the requested type.
        public static let typeMismatch = Code("typeMismatch")
        /// The request was invalid before it was sent (too many values, too large).
        public static let invalidRequest = Code("invalidRequest")
        /// The client or connection was closed.
        public static let shutDown = Code("shutDown")
        /// Every stream id of the connection is in use; the request was not sent.
        public static let tooManyRequests = Code("tooManyRequests")
        /// The local port a connect asked for is taken (a shard-aware connect then tries another).
        public static let localPortInUse = Code("localPortInUse")
        /// The request never left the client (its connection had closed): sending it again is safe.
        public static let requestNotSent = Code("requestNotSent")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code

    /// A description for people, without bound values.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the request is known not to have reached the server, so that another host may take it.
    public var requestWasNotSent: Bool {
        code == .requestNotSent || code == .tooManyRequests || code == .connectionFailed
    }

    public var description: String {
        "CQLClientError(\(code)): \(message)"
    }
}
