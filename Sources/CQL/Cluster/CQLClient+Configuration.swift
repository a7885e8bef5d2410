extension CQLClient {
    /// Settings of a client: where the cluster is, how to authenticate, how to route and how long to wait.
    public struct Configuration: Sendable {
        /// The hosts tried in turn for the first connection; the rest of the cluster is discovered from it.
        public var contactPoints: [CQLEndpoint]

        /// Settings of every connection: authentication, timeouts, stream ids.
        public var connection: CQLConnection.Configuration

        /// The datacenter to send requests to. When set, hosts of other datacenters are not used.
        public var localDatacenter: String?

        /// Connections per host on servers that do not announce shards (ScyllaDB nodes get one per shard).
        public var connectionsPerHost: Int

        /// Whether to connect to ScyllaDB's shard-aware port, which picks the shard by the client's port.
        public var usesShardAwarePort: Bool

        /// Whether to discover the other hosts from `system.peers`; when off, only the contact points are used.
        public var discoversHosts: Bool

        /// The waits between failed connects to a host.
        public var reconnectBackoff: CQLBackoff

        /// The consistency of statements that do not name one.
        public var defaultConsistency: CQLConsistency

        /// Where the client's logs go.
        public var logger: CQLLogger

        /// Receives the topology and status events the cluster pushes, after the client has applied them. It
        /// runs on an event-loop thread and must not block.
        public var onEvent: (@Sendable (CQLEvent) -> Void)?

        /// Creates a configuration.
        public init(
            contactPoints: [CQLEndpoint],
            authenticator: (any CQLAuthenticator)? = nil,
            localDatacenter: String? = nil
        ) {
            self.contactPoints = contactPoints
            self.connection = CQLConnection.Configuration(authenticator: authenticator)
            self.localDatacenter = localDatacenter
            self.connectionsPerHost = 2
            self.usesShardAwarePort = true
            self.discoversHosts = true
            self.reconnectBackoff = CQLBackoff()
            self.defaultConsistency = localDatacenter == nil ? .quorum : .localQuorum
            self.logger = .disabled
        }
    }
}

/// Per-statement settings.
public struct CQLStatementOptions: Sendable, Hashable {
    /// The consistency; the client's default when `nil`.
    public var consistency: CQLConsistency?

    /// The consistency of a lightweight transaction's Paxos phase.
    public var serialConsistency: CQLConsistency?

    /// Rows per page.
    public var pageSize: Int32?

    /// The paging state of the previous page, to fetch the next.
    public var pagingState: [UInt8]?

    /// The write timestamp, in microseconds since the epoch.
    public var defaultTimestamp: Int64?

    /// The deadline of each attempt; the connection's request timeout when `nil`.
    public var timeout: Duration?

    /// Whether the statement may run twice without harm: such statements are retried on another host after a
    /// timeout or a connection loss, others only when they are known not to have been sent.
    public var isIdempotent: Bool

    /// The serialized partition key, for token-aware routing of query text (prepared statements compute it).
    public var routingKey: [UInt8]?

    public init(
        consistency: CQLConsistency? = nil,
        serialConsistency: CQLConsistency? = nil,
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil,
        defaultTimestamp: Int64? = nil,
        timeout: Duration? = nil,
        isIdempotent: Bool = false,
        routingKey: [UInt8]? = nil
    ) {
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.defaultTimestamp = defaultTimestamp
        self.timeout = timeout
        self.isIdempotent = isIdempotent
        self.routingKey = routingKey
    }
}
