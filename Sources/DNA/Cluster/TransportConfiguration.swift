/// How a node talks to its peers: where it listens, the address it advertises, and the cluster secret.
public struct TransportConfiguration: Sendable {
    /// The `host:port` to listen on; port 0 binds a free port.
    public var listen: String

    /// The `host:port` peers use to reach this node, written in its heartbeat row. When `nil`, the bound
    /// address is advertised, which must then not be a wildcard such as `0.0.0.0`.
    public var advertise: String?

    /// The shared cluster secret; a peer that cannot prove it is refused.
    public var secret: [UInt8]

    /// The largest frame sent or accepted, in bytes (payload and header).
    public var maximumFrameSize: Int

    /// Event-loop threads for the transport (and the HTTP gateway).
    public var eventLoops: Int

    /// How long a transport loop polls for events before sleeping, after it sent a request or a reply: 50 µs
    /// by default. A call between nodes then finds the loops awake for its reply, which saves two thread
    /// wake-ups (the larger part of a forwarded call's latency in a virtual machine); loops that only stream
    /// casts never poll. A poll that finds nothing stops the loop polling for twenty times as long, doubled
    /// for every further miss, so that polls never take more than a twentieth of a core from other work;
    /// zero never polls.
    public var busyPoll: Duration

    /// How long a cast waits for the casts that follow it while casts stream to a peer, so that they share
    /// one system call and one wake-up of each side: 200 µs by default. The first cast after a quiet spell of
    /// this length goes out at once, and a call never waits: it takes the casts queued before it along. Zero
    /// sends every cast as soon as the transport's loop gets to it.
    public var castCoalescing: Duration

    /// Creates a transport configuration.
    ///
    /// - Parameters:
    ///   - listen: The `host:port` to listen on; port 0 binds a free port.
    ///   - advertise: The address peers use, when it differs from the bound one.
    ///   - secret: The shared cluster secret.
    public init(listen: String, advertise: String? = nil, secret: [UInt8]) {
        self.listen = listen
        self.advertise = advertise
        self.secret = secret
        self.maximumFrameSize = 16 << 20
        self.eventLoops = 1
        self.busyPoll = .microseconds(50)
        self.castCoalescing = .microseconds(200)
    }
}
