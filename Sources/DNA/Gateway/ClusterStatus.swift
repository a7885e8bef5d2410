/// The body of `GET /v1/cluster`: the nodes of the cluster as one node sees them.
///
/// Public and `Codable` so that tools (such as `dna status`) read the same shape the gateway writes.
public struct ClusterStatus: Codable, Sendable, Equatable {
    /// One node of the cluster.
    public struct Member: Codable, Sendable, Equatable {
        /// The node's id.
        public var id: String
        /// The `host:port` of its cluster transport.
        public var address: String
        /// The `host:port` of its HTTP gateway, or empty.
        public var http: String
        /// Whether the answering node judges it alive.
        public var alive: Bool
        /// Whether it is draining.
        public var draining: Bool
        /// Events waiting in its mailboxes, as of its last heartbeat.
        public var load: Int
        /// Its resident actors: the answering node's own count, the others' as of their last heartbeat.
        public var residentActors: Int
        /// Whether this is the node that answered.
        public var this: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, http, alive, draining, load, this
            case residentActors = "resident_actors"
        }
    }

    /// The cluster's name.
    public var cluster: String
    /// The answering node's id.
    public var node: String
    /// The answering node's phase: `serving`, `fenced`, `draining` or `stopped`.
    public var phase: String
    /// Every node whose heartbeat row the answering node read, sorted by id.
    public var nodes: [Member]

    /// The node that answered, when it lists itself.
    public var asked: Member? { nodes.first { $0.this } }

    init(_ runtime: NodeRuntime) {
        let me = runtime.nodeID
        let now = MonotonicInstant.now()
        cluster = runtime.configuration.cluster
        node = me.description
        phase = "\(runtime.currentPhase)"
        nodes = runtime.membership.members
            .map { record in
                Member(
                    id: record.node.description,
                    address: record.address,
                    http: record.httpAddress,
                    alive: runtime.membership.liveness(of: record.node, now: now) == .alive,
                    draining: record.draining,
                    load: record.load,
                    residentActors: record.node == me ? runtime.residentCount : record.residentActors,
                    this: record.node == me
                )
            }
            .sorted { $0.id < $1.id }
    }
}
