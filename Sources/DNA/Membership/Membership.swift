import Synchronization

/// A node's membership worker: it writes the node's heartbeat row, reads the cluster's rows, judges which peers
/// are alive, and holds the node's ``Lease``.
///
/// A node that lost its lease rejoins under a new identity (``rejoin()``): names its old identity owned are
/// then reclaimed like those of any dead node, and this node treats its own old identities as dead at once.
final class Membership: Sendable {
    private struct State {
        var table: MembershipTable
        var record: MemberRecord
        /// Earlier identities of this process, given up after losing the lease: dead for certain.
        var retired: Set<NodeID> = []
    }

    private let store: any MembershipStore
    private let state: Mutex<State>
    private let leaseTimeout: Duration
    private let deadMargin: Duration
    let lease: Lease

    init(store: any MembershipStore, record: MemberRecord, configuration: Node.Configuration) {
        self.store = store
        self.leaseTimeout = configuration.leaseTimeout
        self.deadMargin = configuration.deadMargin
        self.lease = Lease(timeout: configuration.leaseTimeout)
        let table = MembershipTable(
            selfID: record.node,
            leaseTimeout: configuration.leaseTimeout,
            deadMargin: configuration.deadMargin
        )
        state = Mutex(State(table: table, record: record))
    }

    /// This node's current identity.
    var nodeID: NodeID {
        state.withLock { $0.record.node }
    }

    /// This node's row as last written.
    var record: MemberRecord {
        state.withLock { $0.record }
    }

    /// Sets the addresses written in this node's row from the next heartbeat on.
    func advertise(address: String?, httpAddress: String?) {
        state.withLock { state in
            if let address {
                state.record.address = address
            }
            if let httpAddress {
                state.record.httpAddress = httpAddress
            }
        }
    }

    /// The identities this process gave up, whose rows it deletes once it has rejoined.
    var retiredIDs: Set<NodeID> {
        state.withLock { $0.retired }
    }

    /// Writes the next heartbeat, renewing the lease, then reads the cluster's rows.
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
        // A rejoin may have replaced the identity while the write was in flight: only the current one renews.
        if nodeID == record.node {
            lease.renew(startedAt: started, completedAt: .now())
        }
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
    func liveness(of node: NodeID, now: MonotonicInstant = .now()) -> MembershipTable.Liveness {
        state.withLock { state in
            state.retired.contains(node) ? .dead : state.table.liveness(of: node, now: now)
        }
    }

    /// Whether `node` is alive, reading the rows again when the last listing did not have it.
    func isAlive(_ node: NodeID) async throws -> Bool {
        switch liveness(of: node) {
        case .alive:
            return true
        case .dead:
            return false
        case .unknown:
            try await refresh()
            return liveness(of: node) == .alive
        }
    }

    /// The rows seen at the last refresh.
    var members: [MemberRecord] {
        state.withLock { $0.table.observations.values.map(\.record) }
    }

    /// The live peers, with their rows as last seen.
    func livePeers(now: MonotonicInstant = .now()) -> [MemberRecord] {
        state.withLock { state in
            state.table.aliveMembers(now: now).filter {
                $0.node != state.record.node && !state.retired.contains($0.node)
            }
        }
    }

    /// The row of `node` as last seen.
    func record(of node: NodeID) -> MemberRecord? {
        state.withLock { $0.table.record(of: node) }
    }

    /// Rows of nodes dead for far longer than the lease, which any node may delete.
    func longDeadMembers(now: MonotonicInstant = .now()) -> [MemberRecord] {
        state.withLock { $0.table.longDeadMembers(now: now, after: leaseTimeout + deadMargin) }
    }

    /// Takes a new identity after the lease was lost; the next successful ``beat(load:residentActors:draining:)``
    /// renews the lease under it.
    ///
    /// - Returns: The identity given up.
    @discardableResult
    func rejoin() -> NodeID {
        lease.revoke()
        return state.withLock { state in
            let old = state.record.node
            state.retired.insert(old)
            state.record.node = .make()
            state.record.heartbeat = 0
            state.table.replaceSelf(with: state.record.node)
            return old
        }
    }

    /// Deletes the row of `node`, this node's own by default: it leaves the cluster.
    func leave(as node: NodeID? = nil) async throws {
        let record = state.withLock { $0.record }
        try await store.deleteMember(cluster: record.cluster, node: node ?? record.node)
    }
}
