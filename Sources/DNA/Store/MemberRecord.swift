/// One node's heartbeat row in the membership table.
public struct MemberRecord: Sendable, Hashable, Codable {
    /// The cluster the node belongs to.
    public var cluster: String

    /// The node's identity.
    public var node: NodeID

    /// The `host:port` where peers reach the node's cluster transport.
    public var address: String

    /// The `host:port` of the node's HTTP gateway, or an empty string when it has none.
    public var httpAddress: String

    /// A counter the node raises with every heartbeat. Peers judge liveness by whether it changes.
    public var heartbeat: Int64

    /// Events waiting in the node's mailboxes, a measure of how busy it is.
    public var load: Int

    /// How many actor instances the node keeps in memory.
    public var residentActors: Int

    /// Whether the node is draining: it takes no new claims and is handing its actors over.
    public var draining: Bool

    /// Creates a row.
    public init(
        cluster: String,
        node: NodeID,
        address: String,
        httpAddress: String = "",
        heartbeat: Int64,
        load: Int = 0,
        residentActors: Int = 0,
        draining: Bool = false
    ) {
        self.cluster = cluster
        self.node = node
        self.address = address
        self.httpAddress = httpAddress
        self.heartbeat = heartbeat
        self.load = load
        self.residentActors = residentActors
        self.draining = draining
    }
}
