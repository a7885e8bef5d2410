import Testing

@testable import DNA

@Suite("PlacementDecision")
struct PlacementDecisionTests {
    private static let me = NodeID(startedAtMillis: 1, random: 1)
    private static let peer = NodeID(startedAtMillis: 2, random: 2)
    private static let third = NodeID(startedAtMillis: 3, random: 3)

    private static func decide(owner: Ownership?, alive: Set<NodeID>, claimant: NodeID?) -> PlacementDecision {
        PlacementDecision.decide(owner: owner, me: me, isAlive: { alive.contains($0) }, claimant: claimant)
    }

    @Test("an owner that is this node is used, even when liveness would call it dead")
    func ownerIsMe() {
        let owner = Ownership(node: Self.me, epoch: 4)
        #expect(Self.decide(owner: owner, alive: [], claimant: nil) == .use(owner))
        #expect(Self.decide(owner: owner, alive: [], claimant: Self.peer) == .use(owner))
    }

    @Test("a live owner elsewhere is used: the message is forwarded to it, whoever the claimant would be")
    func liveOwnerElsewhere() {
        let owner = Ownership(node: Self.peer, epoch: 2)
        #expect(Self.decide(owner: owner, alive: [Self.peer], claimant: Self.me) == .use(owner))
        #expect(Self.decide(owner: owner, alive: [Self.peer], claimant: nil) == .use(owner))
    }

    @Test("a dead owner's name is reclaimed by this node when it may claim, conditional on that owner")
    func deadOwnerReclaimed() {
        let owner = Ownership(node: Self.peer, epoch: 2)
        #expect(Self.decide(owner: owner, alive: [Self.third], claimant: Self.me) == .reclaim(from: Self.peer))
    }

    @Test("a dead owner's name is handed to the claimant the policy picked when that is a peer")
    func deadOwnerHandedOver() {
        let owner = Ownership(node: Self.peer, epoch: 2)
        #expect(Self.decide(owner: owner, alive: [Self.third], claimant: Self.third) == .handOver(to: Self.third))
    }

    @Test("a dead owner and nobody to claim: unavailable")
    func deadOwnerNoClaimant() {
        let owner = Ownership(node: Self.peer, epoch: 2)
        #expect(Self.decide(owner: owner, alive: [], claimant: nil) == .unavailable)
    }

    @Test("an unowned name is claimed here, handed to a peer, or unavailable, as the claimant says")
    func unowned() {
        #expect(Self.decide(owner: nil, alive: [], claimant: Self.me) == .claim)
        #expect(Self.decide(owner: nil, alive: [Self.peer], claimant: Self.peer) == .handOver(to: Self.peer))
        #expect(Self.decide(owner: nil, alive: [Self.peer], claimant: nil) == .unavailable)
    }

    @Test("liveness is asked only about a foreign owner")
    func livenessAskedOnlyWhenNeeded() {
        var asked: [NodeID] = []
        let record: (NodeID) -> Bool = { node in
            asked.append(node)
            return true
        }
        _ = PlacementDecision.decide(owner: nil, me: Self.me, isAlive: record, claimant: Self.me)
        _ = PlacementDecision.decide(
            owner: Ownership(node: Self.me, epoch: 1),
            me: Self.me,
            isAlive: record,
            claimant: Self.me
        )
        #expect(asked.isEmpty)

        _ = PlacementDecision.decide(
            owner: Ownership(node: Self.peer, epoch: 1),
            me: Self.me,
            isAlive: record,
            claimant: Self.me
        )
        #expect(asked == [Self.peer])
    }
}
