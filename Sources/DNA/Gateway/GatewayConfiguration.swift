/// The HTTP/1.1 gateway of a node: JSON calls and casts to any actor of the cluster, health, readiness,
/// cluster status and metrics.
public struct GatewayConfiguration: Sendable {
    /// The `host:port` to listen on; port 0 binds a free port.
    public var listen: String

    /// The `host:port` clients use, written in the heartbeat row; the bound address when `nil`.
    public var advertise: String?

    /// The largest request body accepted (413 beyond).
    public var maximumBodyBytes: Int

    /// The longest request line accepted (414 beyond).
    public var maximumRequestLineLength: Int

    /// The largest header section accepted (431 beyond).
    public var maximumHeaderBytes: Int

    /// How long a request may take to arrive once it began (408 beyond).
    public var requestTimeout: Duration

    /// How long an idle keep-alive connection stays open.
    public var keepAliveTimeout: Duration

    /// Creates a gateway configuration with the default bounds: 1 MiB bodies, 8 KiB request lines, 32 KiB of
    /// headers, 10 s to send a request, 60 s of keep-alive.
    public init(listen: String, advertise: String? = nil) {
        self.listen = listen
        self.advertise = advertise
        self.maximumBodyBytes = 1 << 20
        self.maximumRequestLineLength = 8 << 10
        self.maximumHeaderBytes = 32 << 10
        self.requestTimeout = .seconds(10)
        self.keepAliveTimeout = .seconds(60)
    }
}
