import Testing

@testable import DNA

@Suite("MembershipTable")
struct MembershipTableTests {
    private static let me = NodeID(startedAtMillis: 1_000, random: 1)
    private static let peer = NodeID(startedAtMillis: 2_000, random: 2)
    private static let other = NodeID(startedAtMillis: 3_000, random: 3)
    private static let lease: Duration = .seconds(2)
    private static let margin: Duration = .milliseconds(500)

    private static func at(_ millis: UInt64) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: 5_000_000_000 + millis * 1_000_000)
    }

    private static func row(_ node: NodeID, heartbeat: Int64) -> MemberRecord {
        MemberRecord(cluster: "c", node: node, address: "127.0.0.1:\(node.random)", heartbeat: heartbeat)
    }

    private func table() -> MembershipTable {
        MembershipTable(selfID: Self.me, leaseTimeout: Self.lease, deadMargin: Self.margin)
    }

    @Test("a peer stays alive as long as its counter changes, however long the table runs")
    func aliveWhileCounterChanges() {
        var table = table()
        for step in 0..<20 {
            let now = Self.at(UInt64(step) * 2_000)
            table.observe([Self.row(Self.peer, heartbeat: Int64(step))], now: now)
            #expect(table.liveness(of: Self.peer, now: now + .milliseconds(2_499)) == .alive)
        }
    }

    @Test("a peer is dead only after leaseTimeout + deadMargin of observer time without a change")
    func deadAfterLeaseAndMargin() {
        var table = table()
        table.observe([Self.row(Self.peer, heartbeat: 7)], now: Self.at(0))
        // Listings that repeat the same counter do not refresh the peer.
        table.observe([Self.row(Self.peer, heartbeat: 7)], now: Self.at(1_000))
        table.observe([Self.row(Self.peer, heartbeat: 7)], now: Self.at(2_400))

        #expect(table.liveness(of: Self.peer, now: Self.at(2_000)) == .alive, "dead after the lease alone")
        #expect(table.liveness(of: Self.peer, now: Self.at(2_500)) == .alive)
        #expect(table.liveness(of: Self.peer, now: Self.at(2_501)) == .dead)
        #expect(table.aliveMembers(now: Self.at(2_501)).isEmpty)
    }

    @Test("a changed counter, even a lower one, counts as a sign of life and restarts the wait")
    func anyChangeRestartsTheWait() {
        var table = table()
        table.observe([Self.row(Self.peer, heartbeat: 9)], now: Self.at(0))
        table.observe([Self.row(Self.peer, heartbeat: 3)], now: Self.at(2_000))
        #expect(table.liveness(of: Self.peer, now: Self.at(4_400)) == .alive)
        #expect(table.liveness(of: Self.peer, now: Self.at(4_501)) == .dead)
    }

    @Test("liveness follows the observer's clock: a peer first seen late is alive from that moment")
    func judgedFromFirstObservation() {
        var table = table()
        // The row's counter is high (the peer ran for long before this observer started): no wall clock is read.
        table.observe([Self.row(Self.peer, heartbeat: 1_000_000)], now: Self.at(60_000))
        #expect(table.liveness(of: Self.peer, now: Self.at(62_500)) == .alive)
        #expect(table.liveness(of: Self.peer, now: Self.at(62_501)) == .dead)
    }

    @Test("a node without a row in the last listing is unknown, and so is one whose row went away")
    func unknownWithoutRow() {
        var table = table()
        #expect(table.liveness(of: Self.peer, now: Self.at(0)) == .unknown)
        #expect(table.record(of: Self.peer) == nil)

        table.observe([Self.row(Self.peer, heartbeat: 1), Self.row(Self.other, heartbeat: 1)], now: Self.at(0))
        table.observe([Self.row(Self.other, heartbeat: 2)], now: Self.at(100))
        #expect(table.liveness(of: Self.peer, now: Self.at(100)) == .unknown)
        #expect(table.record(of: Self.other)?.heartbeat == 2)
    }

    @Test("the observer itself is alive whatever its row says, and a new identity takes over")
    func selfIsAlive() {
        var table = table()
        #expect(table.liveness(of: Self.me, now: Self.at(0)) == .alive)
        table.observe([Self.row(Self.me, heartbeat: 1)], now: Self.at(0))
        #expect(table.liveness(of: Self.me, now: Self.at(100_000)) == .alive)

        // After a rejoin the old identity is judged like any peer's: its counter no longer changes.
        let rejoined = NodeID(startedAtMillis: 9_000, random: 9)
        table.replaceSelf(with: rejoined)
        #expect(table.liveness(of: rejoined, now: Self.at(100_000)) == .alive)
        #expect(table.liveness(of: Self.me, now: Self.at(100_000)) == .dead)
    }

    @Test("rows dead for far longer than the lease are offered for deletion, recent deaths are not")
    func longDead() {
        var table = table()
        table.observe([Self.row(Self.peer, heartbeat: 1), Self.row(Self.other, heartbeat: 1)], now: Self.at(0))
        table.observe([Self.row(Self.peer, heartbeat: 1), Self.row(Self.other, heartbeat: 2)], now: Self.at(4_000))

        let extra = Duration.seconds(3)
        #expect(table.longDeadMembers(now: Self.at(5_500), after: extra).isEmpty)
        #expect(table.longDeadMembers(now: Self.at(5_501), after: extra).map(\.node) == [Self.peer])
        #expect(table.aliveMembers(now: Self.at(5_501)).map(\.node) == [Self.other])
    }
}
