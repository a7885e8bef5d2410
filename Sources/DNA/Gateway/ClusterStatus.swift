/// The body of `GET /v1/cluster`: the nodes of the cluster as this node sees them.
struct ClusterStatus: Encodable {
    struct NodeStatus: Encodable {
        var id: String
        var address: String
        var http: String
        var alive: Bool
        var draining: Bool
        var load: Int
        var residentActors: Int
        var this: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, http, alive, draining, load, this
            case residentActors = "resident_actors"
        }
    }

    var cluster: String
    var node: String
    var phase: String
    var nodes: [NodeStatus]

    init(_ runtime: NodeRuntime) {
        let me = runtime.nodeID
        let now = MonotonicInstant.now()
        cluster = runtime.configuration.cluster
        node = me.description
        phase = "\(runtime.currentPhase)"
        nodes = runtime.membership.members
            .map { record in
                NodeStatus(
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
