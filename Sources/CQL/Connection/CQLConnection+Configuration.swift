extension CQLConnection {
    /// Settings of one connection.
    public struct Configuration: Sendable {
        /// Answers the server's authentication challenge; `nil` when the server needs none.
        public var authenticator: (any CQLAuthenticator)?

        /// The deadline for the TCP connect and, separately, for each handshake step.
        public var connectTimeout: Duration = .seconds(5)

        /// The default deadline of a request.
        public var requestTimeout: Duration = .seconds(12)

        /// How many requests may be in flight at once (stream ids in use).
        public var maximumConcurrentRequests = 1024

        /// Whether to enable the ScyllaDB extensions the server offers (today: the LWT bit of prepared
        /// statements).
        public var enablesScyllaExtensions = true

        /// The local port to bind, for ScyllaDB's shard-aware port; `nil` lets the kernel choose.
        public var localPort: Int?

        /// The `DRIVER_NAME` sent in STARTUP (it shows in the server's `system.clients`).
        public var driverName = "DNA Swift CQL"

        /// The `DRIVER_VERSION` sent in STARTUP.
        public var driverVersion = "1.0"

        /// Creates the default configuration.
        public init(authenticator: (any CQLAuthenticator)? = nil) {
            self.authenticator = authenticator
        }
    }
}
