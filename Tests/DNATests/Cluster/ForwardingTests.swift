import DNANetwork
import Testing

@testable import DNA

@Suite("Forwarding between nodes", .timeLimit(.minutes(1)))
struct ForwardingTests {
    @Test("a call through any node reaches the one instance, on the node that claimed it")
    func callsFromEveryNode() async throws {
        let cluster = try await ClusterNodes.start(3)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key

        #expect(try await cluster[0].actor(Ledger.self, key: key).call(.add(1)) == .total(1))
        #expect(try await cluster[1].actor(Ledger.self, key: key).call(.add(2)) == .total(3))
        #expect(try await cluster[2].actor(Ledger.self, key: key).call(.add(3)) == .total(6))

        #expect(cluster.nodes.map(\.residentActors) == [1, 0, 0])
        let owner = try await cluster.store.owner(of: ActorName(type: Ledger.type, key: key))
        #expect(owner?.node == cluster[0].id)
        await cluster.shutdown()
    }

    @Test("casts forwarded from another node arrive in the order sent, and a later call comes after them")
    func forwardedCastsKeepOrder() async throws {
        let cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key
        _ = try await cluster[0].actor(Ledger.self, key: key).call(.total)

        let remote = cluster[1].actor(Ledger.self, key: key)
        for number in 0..<2_000 {
            remote.cast(.record(number))
        }
        #expect(try await remote.call(.recorded) == .recorded(Array(0..<2_000)))
        #expect(cluster[1].residentActors == 0)
        await cluster.shutdown()
    }

    @Test("forwarded casts reach the next instance once the first passivates, and the first is freed")
    func forwardedCastsAfterPassivation() async throws {
        let cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key
        let name = ActorName(type: Ledger.type, key: key)
        _ = try await cluster[0].actor(Ledger.self, key: key).call(.total)

        let remote = cluster[1].actor(Ledger.self, key: key)
        for number in 0..<100 {
            remote.cast(.record(number))
        }
        #expect(try await remote.call(.recorded) == .recorded(Array(0..<100)))

        weak let first = cluster[0].runtime.partition(for: name).existing(name)
        #expect(first != nil)
        await cluster[0].stopAllInstances(.passivate)
        #expect(await eventually { first == nil }, "the shortcut of forwarded casts kept the instance alive")

        for number in 100..<200 {
            remote.cast(.record(number))
        }
        #expect(try await remote.call(.recorded) == .recorded(Array(100..<200)))
        #expect(cluster[0].residentActors == 1)
        await cluster.shutdown()
    }

    @Test("a node that loses its store fences itself, its actors move, and it rejoins under a new identity")
    func lostStoreFencesAndRejoins() async throws {
        let cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key
        #expect(try await cluster[0].actor(Ledger.self, key: key).call(.add(5)) == .total(5))
        let firstIdentity = cluster[0].id

        cluster.faults[0].isFailing = true
        #expect(await eventually { !cluster[0].isServing && cluster[0].residentActors == 0 })
        let refused = await #expect(throws: DNAError.self) {
            try await cluster[0].actor(Ledger.self, key: key).call(.total)
        }
        #expect(refused?.code == .notServing)

        // The other node reclaims the name once the first identity is judged dead, with the durable total.
        #expect(try await cluster[1].actor(Ledger.self, key: key).call(.add(1)) == .total(6))
        #expect(cluster[1].residentActors == 1)

        cluster.faults[0].isFailing = false
        #expect(await eventually { cluster[0].isServing })
        #expect(cluster[0].id != firstIdentity)
        #expect(try await cluster[0].actor(Ledger.self, key: key).call(.total) == .total(6))
        await cluster.shutdown()
    }

    @Test("a node that shuts down releases its claims, so that a peer takes its actors over at once")
    func drainHandsOver() async throws {
        var cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key
        let name = ActorName(type: Ledger.type, key: key)
        #expect(try await cluster[0].actor(Ledger.self, key: key).call(.add(4)) == .total(4))
        let before = try #require(try await cluster.store.owner(of: name))

        let leaving = cluster[0].id
        await cluster[0].shutdown()
        #expect(try await cluster.store.owner(of: name) == nil, "the claim was not released")
        #expect(try await !cluster.store.listMembers(cluster: "test").map(\.node).contains(leaving))

        #expect(try await cluster[1].actor(Ledger.self, key: key).call(.add(1)) == .total(5))
        let after = try #require(try await cluster.store.owner(of: name))
        #expect(after.node == cluster[1].id)
        #expect(after.epoch > before.epoch)
        try await cluster.add()
        await cluster.shutdown()
    }

    @Test("a forwarded call for a type the owner does not run fails with unknownActorType")
    func unknownTypeOnOwner() async throws {
        var cluster = try await ClusterNodes.start(1, types: [])
        try await cluster.add()
        #expect(await cluster.waitUntilConnected())

        let error = await #expect(throws: DNAError.self) {
            try await cluster[0].actor(Ledger.self, key: "k").call(.total)
        }
        #expect(error?.code == .unknownActorType)
        await cluster.shutdown()
    }
}

extension ForwardingTests {
    /// Two nodes; node 0 owned an actor with a total of 5, which node 1 knows, and is draining: its instance
    /// stopped and its claim released, but it has not left.
    private func drainingOwner() async throws -> (cluster: ClusterNodes, key: String, leaving: Node) {
        let cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let key = Probe().key
        #expect(try await cluster[0].actor(Ledger.self, key: key).call(.add(4)) == .total(4))
        // Node 1 learns that node 0 owns the actor.
        #expect(try await cluster[1].actor(Ledger.self, key: key).call(.add(1)) == .total(5))

        let leaving = cluster[0]
        leaving.runtime.advance(to: .draining)
        await leaving.stopAllInstances(.release)
        return (cluster, key, leaving)
    }

    @Test("a call a draining node hands over is not sent back to it on the receiver's stale cache entry")
    func handOverIgnoresStaleCache() async throws {
        let (cluster, key, leaving) = try await drainingOwner()

        // Node 0 hands the call to node 1, whose cache still names node 0 as the owner.
        #expect(try await leaving.actor(Ledger.self, key: key).call(.add(1)) == .total(6))
        #expect(cluster[1].residentActors == 1)
        leaving.runtime.advance(to: .stopped)
        await cluster.shutdown()
    }

    @Test("a call forwarded to an owner that has drained but not yet left is sent again, to the new owner")
    func forwardedToDrainedOwner() async throws {
        // Node 0 as shutdown() leaves it just before it deletes its row and closes its transport: instances
        // stopped, claims released, answering every forwarded call with "the node has stopped".
        let (cluster, key, leaving) = try await drainingOwner()
        leaving.runtime.advance(to: .stopped)

        #expect(try await cluster[1].actor(Ledger.self, key: key).call(.add(1)) == .total(6))
        #expect(cluster[1].residentActors == 1)

        await leaving.stopBackgroundWork()
        try? await leaving.runtime.membership.leave()
        await leaving.runtime.link?.shutdown()
        await leaving.group?.shutdown()
        await cluster[1].shutdown()
    }
}

extension ForwardingTests {
    @Test("a node that shuts down sends the answers it still owes before it closes its transport")
    func shutdownAnswersPendingCalls() async throws {
        let cluster = try await ClusterNodes.start(2)
        #expect(await cluster.waitUntilConnected())
        let (leaving, owner) = (cluster[0], cluster[1])
        let probe = Probe()
        let name = ActorName(type: Ledger.type, key: probe.key)
        #expect(try await owner.actor(Ledger.self, key: probe.key).call(.add(1)) == .total(1))

        // A peer asks the leaving node, which forwards to the owner, where the handler waits: the leaving node
        // owes an answer while it shuts down.
        let group = try EventLoopGroup(loopCount: 1)
        let peer = ClusterTransport(
            configuration: .init(clusterName: "test", nodeID: "peer", secret: Array("secret".utf8)),
            group: group
        ) { _ in }
        let address = try #require(leaving.transportAddress.flatMap { PeerAddress($0) })
        let message = ClusterMessage(
            kind: .call,
            hops: 0,
            target: leaving.id,
            timeout: .seconds(10),
            name: name,
            body: try ActorTypeEntry<Ledger>.encodeBinary(.addAndWait(1), for: name)
        )
        let pending = Task { try await peer.request(to: address, payload: message.encoded(), timeout: .seconds(10)) }
        await probe.waitingHandlers.wait(for: 1)

        // Once stopped, the node would leave and close its transport at once but for the answer it owes.
        let shutdown = Task { await leaving.shutdown() }
        #expect(await eventually { leaving.runtime.currentPhase == .stopped })
        probe.handlerGate.open()

        let answer = try await pending.value
        #expect(ClusterReply(decoding: answer) == .reply(try BinaryEncoder().encode(Ledger.Reply.total(2))))
        await shutdown.value
        await peer.shutdown()
        await group.shutdown()
        await owner.shutdown()
    }
}
