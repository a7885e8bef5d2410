/// Decides where an actor name runs and claims it for this node through the store's directory.
///
/// A name nobody owns is claimed with a conditional insert. A name this node owns is started here. A name owned
/// by a dead node is reclaimed with a write conditional on that old owner. A name owned by a live node cannot
/// be started here: placement waits, within a bound, for that owner to be judged dead.
final class Placement: Sendable {
    private let store: any DirectoryStore
    private let membership: Membership
    private let patience: Duration
    private let pollInterval: Duration

    init(store: any DirectoryStore, membership: Membership, configuration: Node.Configuration) {
        self.store = store
        self.membership = membership
        self.patience = configuration.leaseTimeout + configuration.deadMargin + configuration.heartbeatInterval * 2
        self.pollInterval = configuration.heartbeatInterval
    }

    /// Claims `name` for this node, reclaiming it from a dead owner if needed.
    ///
    /// - Returns: This node's ownership of the name, with its epoch.
    /// - Throws: ``DNAError/Code/placementFailed`` when a live node keeps owning the name, or the store's error.
    func acquire(_ name: ActorName) async throws -> Ownership {
        let me = membership.nodeID
        let deadline = MonotonicInstant.now() + patience
        while true {
            let winner = try await store.claim(name, for: me)
            if winner.node == me {
                return winner
            }
            if membership.liveness(of: winner.node) == .dead {
                if let after = try await store.reclaim(name, from: winner.node, to: me), after.node == me {
                    return after
                }
                continue
            }
            guard MonotonicInstant.now() < deadline else {
                throw DNAError(.placementFailed, "\(name) is owned by the live node \(winner.node)")
            }
            try await Task.sleep(for: pollInterval)
            try await membership.refresh()
        }
    }
}
