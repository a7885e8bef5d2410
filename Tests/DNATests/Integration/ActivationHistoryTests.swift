import Testing

/// The single-activation check itself, on made-up logs: it must pass clean histories and catch each breach.
@Suite("ActivationHistory")
struct ActivationHistoryTests {
    /// 23:59:50.000 UTC on some day, so that some lines below cross midnight.
    private static let reference: Int64 = 1_733_011_190_000

    private static func stamp(_ offset: Int64) -> String {
        let ofDay = (reference + offset) % 86_400_000
        let (hours, minutes) = (ofDay / 3_600_000, ofDay / 60_000 % 60)
        let (seconds, millis) = (ofDay / 1_000 % 60, ofDay % 1_000)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(millis + 1_000).dropFirst()
        return "\(two(hours)):\(two(minutes)):\(two(seconds)).\(fraction)Z"
    }

    private static func activated(
        _ offset: Int64,
        _ name: String,
        epoch: Int64,
        on node: String,
        owner: String? = nil
    )
        -> String
    {
        let owner = owner ?? node
        return "\(stamp(offset)) debug dna.node: activated actor.epoch=\(epoch) actor.name=\(name) "
            + "actor.owner=\(owner) node.id=\(node)"
    }

    private static func history(_ logs: [[String]], events: [ClusterTimeline.Event] = []) -> ActivationHistory {
        ActivationHistory(
            logs: logs.enumerated().map { index, lines in
                ActivationHistory.NodeLog(process: index, startedAs: "n\(index)", text: lines.joined(separator: "\n"))
            },
            events: events,
            around: reference
        )
    }

    private static func event(_ kind: ClusterTimeline.Kind, _ process: Int, at offset: Int64) -> ClusterTimeline.Event {
        ClusterTimeline.Event(time: reference + offset, process: process, kind: kind)
    }

    @Test("a name that moves after its owner was killed, with a higher epoch, passes; across midnight too")
    func cleanHandOver() {
        let history = Self.history(
            [
                [Self.activated(1_000, "a/b/c", epoch: 1, on: "n0")],
                [Self.activated(13_000, "a/b/c", epoch: 2, on: "n1")],
            ],
            events: [Self.event(.killed, 0, at: 10_000)]
        )
        #expect(history.violations() == [])
        #expect(history.handOvers == 1)
        #expect(history.byName["a/b/c"]?.map(\.time) == [Self.reference + 1_000, Self.reference + 13_000])
    }

    @Test("reactivations on one node under the same claim pass; a lower epoch does not")
    func sameNode() {
        let again = Self.history([
            [Self.activated(0, "x", epoch: 3, on: "n0"), Self.activated(500, "x", epoch: 3, on: "n0")]
        ])
        #expect(again.violations() == [])
        let lower = Self.history([
            [Self.activated(0, "x", epoch: 3, on: "n0"), Self.activated(500, "x", epoch: 2, on: "n0")]
        ])
        #expect(lower.violations().count == 1)
    }

    @Test("a move to a node while the owner was alive is caught, with or without a later kill")
    func moveWhileAlive() {
        let neverEnded = Self.history([
            [Self.activated(0, "x", epoch: 1, on: "n0")],
            [Self.activated(5_000, "x", epoch: 2, on: "n1")],
        ])
        #expect(neverEnded.violations().count == 1)

        let killedLater = Self.history(
            [[Self.activated(0, "x", epoch: 1, on: "n0")], [Self.activated(5_000, "x", epoch: 2, on: "n1")]],
            events: [Self.event(.killed, 0, at: 6_000)]
        )
        #expect(killedLater.violations().count == 1)
    }

    @Test("a move without a higher epoch, and one epoch on two nodes, are caught")
    func epochs() {
        let history = Self.history(
            [[Self.activated(0, "x", epoch: 4, on: "n0")], [Self.activated(9_000, "x", epoch: 4, on: "n1")]],
            events: [Self.event(.stopped, 0, at: 1_000)]
        )
        let violations = history.violations()
        #expect(violations.count == 2)
        #expect(violations.contains { $0.contains("without raising the epoch") })
        #expect(violations.contains { $0.contains("was activated on n0 and n1") })
    }

    @Test("an activation belongs to the claim it runs under: a late one under an ended claim is caught")
    func attributedToTheClaim() {
        let history = Self.history(
            [
                [Self.activated(0, "x", epoch: 1, on: "n0")],
                [Self.activated(5_000, "x", epoch: 2, on: "n1")],
                // Node 2 runs the name under node 0's old claim after node 1 took it over.
                [Self.activated(6_000, "x", epoch: 1, on: "n2", owner: "n0")],
            ],
            events: [Self.event(.killed, 0, at: 1_000)]
        )
        #expect(history.activations.last?.node == "n0")
        #expect(!history.violations().isEmpty)
    }

    @Test("a fence ends an identity when its lease ran out, and a rejoined identity is a new node")
    func fenceAndRejoin() {
        let node0 = [
            Self.activated(0, "x", epoch: 1, on: "n0"),
            // Noticed late (a stall): the lease ran out 4 s before this line.
            "\(Self.stamp(9_000)) warning dna.node: lease lost; serving nothing until the node rejoins "
                + "lease.overdue_ms=4000 node.id=n0",
            "\(Self.stamp(9_500)) info dna.node: rejoined the cluster node.id=n0b",
            Self.activated(12_000, "x", epoch: 3, on: "n0b"),
        ]
        let node1 = [Self.activated(7_000, "x", epoch: 2, on: "n1")]
        let history = Self.history([node0, node1], events: [Self.event(.drained, 1, at: 11_000)])
        #expect(history.violations() == [])
        #expect(history.handOvers == 2)

        // Without the overdue time, the activation on n1 would have come before n0's end.
        let early = node0.map { $0.replacingOccurrences(of: "lease.overdue_ms=4000", with: "lease.overdue_ms=0") }
        #expect(Self.history([early, node1], events: [Self.event(.drained, 1, at: 11_000)]).violations().count == 1)
    }

    @Test("an event ends the identity the process had then, not an earlier one")
    func eventsApplyToTheCurrentIdentity() {
        let node0 = [
            Self.activated(0, "x", epoch: 1, on: "n0"),
            "\(Self.stamp(1_000)) warning dna.node: lease lost; serving nothing until the node rejoins node.id=n0",
            "\(Self.stamp(2_000)) info dna.node: rejoined the cluster node.id=n0b",
            Self.activated(3_000, "y", epoch: 1, on: "n0b"),
        ]
        let node1 = [Self.activated(20_000, "y", epoch: 2, on: "n1")]
        let history = Self.history([node0, node1], events: [Self.event(.killed, 0, at: 15_000)])
        #expect(history.violations() == [])
        #expect(history.identities["n0b"]?.endedBy == "killed")
        #expect(history.identities["n0"]?.endedBy == "fence")
    }
}
