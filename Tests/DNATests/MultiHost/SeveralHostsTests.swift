import Foundation
import Testing

/// Three nodes on three hosts (network namespaces on one bridge) sharing a PostgreSQL server over TCP; one host
/// is cut off the network while it owns actors.
///
/// Needs root and iproute2 (as CI runs); skipped elsewhere. The nodes run the built `dna` executable.
@Suite("Several hosts")
struct SeveralHostsTests {
    static let heartbeat: Duration = .milliseconds(300)
    static let lease: Duration = .seconds(3)
    static let margin: Duration = .seconds(1)
    /// What a loaded machine may add to a deadline the protocol sets.
    static let slack: Duration = .seconds(4)
    /// How long the cut-off host may take to rejoin once its link is back: its connections to the server first
    /// have to come back or time out.
    static let rejoinLimit: Duration = .seconds(30)

    @Test("a cut-off host fences itself, its actors move with their state, and it rejoins as a new node")
    func cutOffHost() async throws {
        if let obstacle = try await TestHosts.obstacle() {
            Issue.record("skipped: network namespaces cannot be made here: \(obstacle)", severity: .warning)
            try Test.cancel("network namespaces cannot be made here: \(obstacle)")
        }
        let executable = try HostNode.executable()
        let lock = try await TestHosts.Lock.acquire()
        defer { lock.release() }

        let hosts: TestHosts
        do {
            hosts = try await TestHosts.up()
        } catch {
            try? await TestHosts.down()
            throw error
        }
        let logs = try TemporaryDirectory()
        var nodes: [HostNode] = []
        do {
            nodes = try await Self.start(hosts, executable: executable, logs: logs)
            try await Self.cutOff(nodes)
        } catch {
            for node in nodes {
                print("---- the log of the node on \(node.host)\n\(await node.log())")
            }
            // No drain: a node that lost the store could not finish one. Taking the hosts down kills them all.
            try? await TestHosts.down()
            throw error
        }
        await Self.stop(nodes)
        try await TestHosts.down()
    }

    /// The scenario: load, cut the third host off, watch it fence and its actors move, restore it, watch it
    /// rejoin.
    private static func cutOff(_ nodes: [HostNode]) async throws {
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])
        try await waitUntilConnected(nodes)
        var writes = try await load(through: nodes)
        let owned = try #require(writes.actorsFirstReachedThrough[c.host.namespace])
        let view = try await c.gateway.cluster()
        let residents = view.nodes.first(where: \.this)?.residentActors ?? 0
        #expect(view.node == c.firstID)
        try #require(residents >= owned.counters.count + owned.maps.count, "the host to cut off owns no actors")

        // Writes from inside the host to one of its actors go on across the cut.
        let stopWriting = HostFlag()
        let acknowledged = EventCounter()
        async let inFlight = keepAdding(
            to: owned.counters[owned.counters.count - 1],
            through: c.gatewayFromInside.probing(),
            until: stopWriting,
            acknowledged: acknowledged
        )
        let writing = await eventually(within: slack) { acknowledged.count >= 3 }
        try #require(writing, "writes through \(c.host) are not acknowledged")

        let clock = ContinuousClock()
        try await TestHosts.cut(c.host)
        let cutAt = clock.now
        let failover = try await watchFailover(cut: c, survivor: a, counter: owned.counters[0], since: cutAt)
        stopWriting.set()
        writes.merge(await inFlight)
        try #require(failover.value == writes.counters[owned.counters[0]]?.acknowledged, "a moved counter lost writes")
        try await requireServesNothing(c, counter: owned.counters[0])
        try await requireDeclaredDead(c.firstID, by: [a, b])
        try await retrying("reading the moved actors through \(b.host)", within: slack) {
            try await writes.verify(through: b.gateway, counters: owned.counters, maps: owned.maps)
        }
        try await write(&writes, counters: owned.counters, maps: owned.maps, through: a, round: "cut")

        try await TestHosts.restore(c.host)
        let restoredAt = clock.now
        let rejoined = try await waitUntilRejoined(c, replacing: c.firstID, peers: [a, b])
        let rejoinedAfter = clock.now - restoredAt
        try await retrying("reading the moved actors through \(c.host) after it rejoined", within: slack) {
            try await writes.verify(through: c.gateway, counters: owned.counters, maps: owned.maps)
        }
        try await write(&writes, counters: owned.counters, maps: owned.maps, through: c, round: "rejoined")
        try await requireClaimsAgain(c, as: rejoined, checkingThrough: b, writes: &writes)

        for node in [a, b, c] {
            try await writes.verify(through: node.gateway)
        }
        print(
            "several hosts: fenced \(failover.fencedAfter) and its first actor moved \(failover.movedAfter) after "
                + "the cut; rejoined \(rejoinedAfter) after the link came back"
        )
    }

    /// Drains every node that still runs, all at once.
    private static func stop(_ nodes: [HostNode]) async {
        await withTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask { await node.stop() }
            }
        }
    }
}
