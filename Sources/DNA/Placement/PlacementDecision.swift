/// The next step of placement for one name, decided from what the directory says and who is alive.
///
/// A pure function of its inputs, so that tests drive it without a store, sockets or clocks.
enum PlacementDecision: Equatable, Sendable {
    /// Deliver to this owner: this node, or a live peer to forward to.
    case use(Ownership)

    /// Nobody owns the name and this node may take it: claim it with a conditional insert.
    case claim

    /// The owner is dead and this node may take the name: move it with a write conditional on that owner.
    case reclaim(from: NodeID)

    /// The name has no live owner and this node takes no claims (draining, or the policy chose a peer): forward
    /// the message to `node`, which claims it.
    case handOver(to: NodeID)

    /// Nobody can take the name now: no live owner, and neither this node nor a peer can claim.
    case unavailable

    /// Decides the next step.
    ///
    /// - Parameters:
    ///   - owner: The directory's owner of the name, if any.
    ///   - me: This node.
    ///   - isAlive: Whether a node is alive as this node judges it.
    ///   - claimant: The node that should claim an unowned name under the placement policy (`me` when this
    ///     node may), or `nil` when no node can.
    static func decide(
        owner: Ownership?,
        me: NodeID,
        isAlive: (NodeID) -> Bool,
        claimant: NodeID?
    ) -> PlacementDecision {
        if let owner {
            if owner.node == me || isAlive(owner.node) {
                return .use(owner)
            }
            guard let claimant else {
                return .unavailable
            }
            return claimant == me ? .reclaim(from: owner.node) : .handOver(to: claimant)
        }
        guard let claimant else {
            return .unavailable
        }
        return claimant == me ? .claim : .handOver(to: claimant)
    }
}
