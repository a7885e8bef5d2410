/// Where a name that nobody owns is claimed.
public enum PlacementPolicy: Sendable, Hashable {
    /// On the node where the message arrived (the original behaviour): the caller's node runs the actor, so the
    /// caller's later messages are local.
    case local

    /// On the node that rendezvous hashing of the name picks among the live, non-draining members, so that
    /// names spread evenly whatever node clients reach.
    case hash

    /// On the live, non-draining member with the fewest resident actors, as of the last heartbeats.
    case leastLoaded

    /// The node that should claim `name`.
    ///
    /// - Parameters:
    ///   - name: The actor name.
    ///   - me: This node and its resident actors, or `nil` when this node takes no claims (draining or fenced).
    ///   - peers: The live, non-draining peers, this node excluded.
    /// - Returns: The claimant, or `nil` when there is none.
    func claimant(for name: ActorName, me: (node: NodeID, residentActors: Int)?, peers: [MemberRecord]) -> NodeID? {
        var candidates = peers.map { (node: $0.node, residentActors: $0.residentActors) }
        if let me {
            if self == .local {
                return me.node
            }
            candidates.append(me)
        }
        switch self {
        case .local, .leastLoaded:
            return candidates.min { ($0.residentActors, $0.node) < ($1.residentActors, $1.node) }?.node
        case .hash:
            return candidates.max { Self.weight(name, $0.node) < Self.weight(name, $1.node) }?.node
        }
    }

    /// A stable pseudo-random weight of a (name, node) pair: FNV-1a over both, mixed, so that every node
    /// computes the same ranking.
    private static func weight(_ name: ActorName, _ node: NodeID) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.description.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= UInt64(bitPattern: node.startedAtMillis) &* 0x9e37_79b9_7f4a_7c15
        hash ^= node.random
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
