/// What a node has seen of the cluster's heartbeat rows, and its judgement of who is alive.
///
/// A pure state machine: it is fed the rows read from the store and the observer's monotonic time, and never
/// compares wall clocks across nodes. A peer is alive while its heartbeat counter keeps changing; it is dead
/// once the counter has not changed for `leaseTimeout + deadMargin` of the observer's time, or once its row is
/// gone.
struct MembershipTable: Sendable {
    /// The judgement of one node's liveness.
    enum Liveness: Equatable, Sendable {
        case alive
        case dead
        /// No row of the node was in the last listing: it left, or it joined after that listing. Read the rows
        /// again before judging: a node writes its row before it claims anything.
        case unknown
    }

    struct Observation: Sendable {
        var record: MemberRecord
        /// When this observer last saw the heartbeat counter change (or first saw the row).
        var changedAt: MonotonicInstant
    }

    private(set) var selfID: NodeID
    let deadAfter: Duration
    private(set) var observations: [NodeID: Observation] = [:]

    init(selfID: NodeID, leaseTimeout: Duration, deadMargin: Duration) {
        self.selfID = selfID
        self.deadAfter = leaseTimeout + deadMargin
    }

    /// Makes `node` the observer's identity, after it rejoined under a new one.
    mutating func replaceSelf(with node: NodeID) {
        selfID = node
    }

    /// Takes in a fresh listing of the cluster's rows.
    mutating func observe(_ rows: [MemberRecord], now: MonotonicInstant) {
        var next: [NodeID: Observation] = [:]
        for row in rows {
            if let previous = observations[row.node], previous.record.heartbeat == row.heartbeat {
                next[row.node] = Observation(record: row, changedAt: previous.changedAt)
            } else {
                next[row.node] = Observation(record: row, changedAt: now)
            }
        }
        observations = next
    }

    /// Whether `node` is alive as far as this observer can tell at `now`.
    func liveness(of node: NodeID, now: MonotonicInstant) -> Liveness {
        if node == selfID {
            return .alive
        }
        guard let observation = observations[node] else {
            return .unknown
        }
        return now - observation.changedAt > deadAfter ? .dead : .alive
    }

    /// The record of a node, if its row was seen.
    func record(of node: NodeID) -> MemberRecord? {
        observations[node]?.record
    }

    /// The nodes judged alive at `now`, this one included if its row was seen.
    func aliveMembers(now: MonotonicInstant) -> [MemberRecord] {
        observations.values.filter { liveness(of: $0.record.node, now: now) == .alive }.map(\.record)
    }

    /// Rows of nodes dead for much longer than the lease, which any node may delete to keep the table small.
    func longDeadMembers(now: MonotonicInstant, after extra: Duration) -> [MemberRecord] {
        observations.values.filter { now - $0.changedAt > deadAfter + extra }.map(\.record)
    }
}
