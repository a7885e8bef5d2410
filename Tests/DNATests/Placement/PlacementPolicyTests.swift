import Testing

@testable import DNA

@Suite("PlacementPolicy")
struct PlacementPolicyTests {
    // Ids as nodes make them: start times a few milliseconds apart, random 64-bit tails.
    private static let nodes = [
        NodeID(startedAtMillis: 1_700_000_000_000, random: 0x8F3A_19C2_77D0_4E15),
        NodeID(startedAtMillis: 1_700_000_000_004, random: 0x1B6E_A0F4_3C98_D227),
        NodeID(startedAtMillis: 1_700_000_000_009, random: 0xE2C5_5B71_9A0D_6F38),
    ]

    private static func row(_ node: NodeID, residentActors: Int = 0) -> MemberRecord {
        MemberRecord(cluster: "c", node: node, address: "a", heartbeat: 1, residentActors: residentActors)
    }

    private static func name(_ index: Int) -> ActorName {
        ActorName(type: "counter", key: "key-\(index)")
    }

    /// The claimant as node `asking` sees it: itself with `resident` actors, the others as peers.
    private static func claimant(
        _ policy: PlacementPolicy,
        for name: ActorName,
        asking: Int,
        among members: [Int],
        resident: [Int: Int] = [:]
    ) -> NodeID? {
        let peers = members.filter { $0 != asking }.map { row(nodes[$0], residentActors: resident[$0] ?? 0) }
        return policy.claimant(for: name, me: (nodes[asking], resident[asking] ?? 0), peers: peers)
    }

    @Test("local: the node where the message arrived claims, whatever the peers' load")
    func local() {
        let peers = [Self.row(Self.nodes[1]), Self.row(Self.nodes[2])]
        #expect(
            PlacementPolicy.local.claimant(for: Self.name(1), me: (Self.nodes[0], 1_000), peers: peers) == Self.nodes[0]
        )
    }

    @Test("a node that takes no claims picks the least loaded peer, or nobody when it has none")
    func notClaimingHere() {
        let peers = [Self.row(Self.nodes[1], residentActors: 5), Self.row(Self.nodes[2], residentActors: 2)]
        for policy in [PlacementPolicy.local, .leastLoaded] {
            #expect(policy.claimant(for: Self.name(1), me: nil, peers: peers) == Self.nodes[2])
        }
        #expect(PlacementPolicy.hash.claimant(for: Self.name(1), me: nil, peers: peers) != nil)
        for policy in [PlacementPolicy.local, .hash, .leastLoaded] {
            #expect(policy.claimant(for: Self.name(1), me: nil, peers: []) == nil)
        }
    }

    @Test("least-loaded: the member with the fewest resident actors, ties broken by node id")
    func leastLoaded() {
        let busy = Self.claimant(
            .leastLoaded,
            for: Self.name(1),
            asking: 0,
            among: [0, 1, 2],
            resident: [0: 9, 1: 4, 2: 7]
        )
        #expect(busy == Self.nodes[1])
        let idle = Self.claimant(
            .leastLoaded,
            for: Self.name(1),
            asking: 0,
            among: [0, 1, 2],
            resident: [0: 1, 1: 4, 2: 7]
        )
        #expect(idle == Self.nodes[0])
        let tie = Self.claimant(
            .leastLoaded,
            for: Self.name(1),
            asking: 2,
            among: [0, 1, 2],
            resident: [0: 3, 1: 3, 2: 3]
        )
        #expect(tie == Self.nodes[0])
    }

    @Test("hash: every node computes the same claimant, call after call, whatever the order of its peers")
    func hashIsStableAndShared() {
        for index in 0..<200 {
            let name = Self.name(index)
            let answers = (0..<3).map { Self.claimant(.hash, for: name, asking: $0, among: [0, 1, 2]) }
            #expect(Set(answers).count == 1, "nodes disagree about \(name)")

            let reversed = PlacementPolicy.hash.claimant(
                for: name,
                me: (Self.nodes[0], 0),
                peers: [Self.row(Self.nodes[2]), Self.row(Self.nodes[1])]
            )
            #expect(reversed == answers[0])
            #expect(Self.claimant(.hash, for: name, asking: 0, among: [0, 1, 2], resident: [0: 99]) == answers[0])
        }
    }

    @Test("hash: names spread over the members, and removing one moves only the names it had")
    func hashSpreadsAndMovesLittle() {
        let names = (0..<3_000).map(Self.name)
        let before = names.map { Self.claimant(.hash, for: $0, asking: 0, among: [0, 1, 2]) }
        for node in Self.nodes {
            let share = before.filter { $0 == node }.count
            #expect((750...1_250).contains(share), "\(node) got \(share) of 3000 names")
        }

        let after = names.map { Self.claimant(.hash, for: $0, asking: 0, among: [0, 1]) }
        for (old, new) in zip(before, after) where old != Self.nodes[2] {
            #expect(old == new)
        }
    }
}
