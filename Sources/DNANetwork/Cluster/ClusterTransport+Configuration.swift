extension ClusterTransport {
    /// The settings of a transport. Only the identity fields have no default.
    public struct Configuration: Sendable {
        /// The cluster name; a peer of another cluster fails the handshake.
        /// At most 255 UTF-8 bytes are used.
        public var clusterName: String

        /// This node's id, told to peers in the handshake. At most 255 UTF-8 bytes are used.
        public var nodeID: String

        /// The shared cluster secret that keys the handshake's HMAC.
        public var secret: [UInt8]

        /// The largest frame body accepted or sent (payload plus 9 bytes of
        /// kind and id). A peer announcing a larger frame is disconnected.
        public var maximumFrameSize = 16 << 20

        /// The most bytes queued for one connection (including frames waiting
        /// for the connection to open). Beyond it `send` and `request` throw
        /// ``ClusterTransportError/Code/overloaded`` while connecting, and an
        /// open connection whose peer stops reading is closed.
        public var maximumQueuedBytes = 64 << 20

        /// Queued bytes above which ``ClusterTransport/waitUntilWritable(to:)``
        /// suspends until the connection drains below a quarter of it.
        public var writeHighWaterMark = 1 << 20

        /// The time allowed for a TCP connect.
        public var connectTimeout: Duration = .seconds(5)

        /// The time allowed from TCP connect (or accept) to a verified peer.
        public var handshakeTimeout: Duration = .seconds(5)

        /// The waits between failed connect attempts to one peer.
        public var reconnectBackoff = ReconnectBackoff()

        /// How often pending requests are checked for their timeout; a timeout
        /// fires up to this much late. One timer per peer, instead of one per
        /// request, keeps timers off the request path.
        public var timeoutResolution: Duration = .milliseconds(10)

        /// Whether a frame written off the event loop to an idle connection is
        /// sent at once from the writer's thread (lower latency); otherwise
        /// every write goes through the loop (more coalescing).
        public var allowsInlineWrites = true

        /// How long a one-way frame waits for the ones that follow it while frames stream to a peer
        /// (``TCPConnection/Configuration/coalescingDelay``).
        public var coalescingDelay: Duration = .zero

        /// Creates a configuration with default limits.
        ///
        /// - Parameters:
        ///   - clusterName: The cluster name.
        ///   - nodeID: This node's id.
        ///   - secret: The shared cluster secret.
        public init(clusterName: String, nodeID: String, secret: [UInt8]) {
            self.clusterName = clusterName
            self.nodeID = nodeID
            self.secret = secret
        }

        /// The settings of each TCP connection the transport opens or accepts.
        var connectionConfiguration: TCPConnection.Configuration {
            var configuration = TCPConnection.Configuration()
            configuration.highWaterMark = writeHighWaterMark
            configuration.lowWaterMark = writeHighWaterMark / 4
            configuration.maximumOutboundBytes = maximumQueuedBytes
            configuration.allowsInlineWrites = allowsInlineWrites
            configuration.coalescingDelay = coalescingDelay
            return configuration
        }
    }
}
