import Synchronization

/// A node's membership worker: it writes the node's heartbeat row, reads the cluster's rows, and judges which
/// peers are alive. It also tracks the node's own lease: the time of the last heartbeat it could write.
final class Membership: Sendable {
    private struct State {
        var table: MembershipTable
        var record: MemberRecord
        /// When the last successful heartbeat write started, on this node's monotonic clock.
        var renewedAt: MonotonicInstant
    }

    private let store: any MembershipStore
    private let state: Mutex<State>
    let leaseTimeout: Duration

    init(store: any MembershipStore, record: MemberRecord, configuration: Node.Configuration) {
        self.store = store
        self.leaseTimeout = configuration.leaseTimeout
        let table = MembershipTable(
            selfID: record.node,
            leaseTimeout: configuration.leaseTimeout,
            deadMargin: configuration.deadMargin
        )
        state = Mutex(State(table: table, record: record, renewedAt: .now()))
    }

    /// This node's identity.
    var nodeID: NodeID {
        state.withLock { $0.record.node }
    }

    /// Writes the next heartbeat, then reads the cluster's rows.
    ///
    /// - Parameters:
    ///   - load: Events waiting in this node's mailboxes.
    ///   - residentActors: Instances this node keeps in memory.
    ///   - draining: Whether this node is draining.
    func beat(load: Int, residentActors: Int, draining: Bool) async throws {
        let started = MonotonicInstant.now()
        let record = state.withLock { state in
            state.record.heartbeat += 1
            state.record.load = load
            state.record.residentActors = residentActors
            state.record.draining = draining
            return state.record
        }
        try await store.upsertMember(record)
        state.withLock { $0.renewedAt = max($0.renewedAt, started) }
        try await refresh()
    }

    /// Reads the cluster's rows and updates the liveness judgements.
    func refresh() async throws {
        let cluster = state.withLock { $0.record.cluster }
        let rows = try await store.listMembers(cluster: cluster)
        let now = MonotonicInstant.now()
        state.withLock { $0.table.observe(rows, now: now) }
    }

    /// Whether `node` is alive as far as this node can tell.
    func liveness(of node: NodeID) -> MembershipTable.Liveness {
        let now = MonotonicInstant.now()
        return state.withLock { $0.table.liveness(of: node, now: now) }
    }

    /// Whether this node's lease is still valid: its last heartbeat write started less than `leaseTimeout` ago.
    func leaseIsValid(now: MonotonicInstant = .now()) -> Bool {
        state.withLock { now - $0.renewedAt < leaseTimeout }
    }

    /// The rows seen at the last refresh.
    var members: [MemberRecord] {
        state.withLock { $0.table.observations.values.map(\.record) }
    }

    /// Removes this node's row: it leaves the cluster.
    func leave() async throws {
        let record = state.withLock { $0.record }
        try await store.deleteMember(cluster: record.cluster, node: record.node)
    }
}
