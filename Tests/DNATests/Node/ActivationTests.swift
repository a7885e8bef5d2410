import Testing

@testable import DNA

@Suite("Activation", .timeLimit(.minutes(1)))
struct ActivationTests {
    @Test("concurrent first messages to one name start one instance")
    func singleFlight() async throws {
        let node = try await TestNodes.start()
        let probe = Probe(holdingInitialisers: true)
        let handle = node.actor(Ledger.self, key: probe.key)

        // The first call starts the initialiser, which waits; the others arrive while it is starting.
        let first = Task { try await handle.call(.add(1)) }
        await probe.initialisations.wait(for: 1)
        let others = (0..<20).map { _ in Task { try await handle.call(.add(1)) } }
        for _ in 0..<20 {
            handle.cast(.add(1))
        }
        probe.initGate?.open()

        var totals = [try await first.value]
        for other in others {
            totals.append(try await other.value)
        }
        #expect(Set(totals).count == 21)
        #expect(try await handle.call(.total) == .total(41))
        #expect(probe.initialisations.count == 1)
        #expect(node.metrics.snapshot["activations"] == 1)
        await node.shutdown()
    }

    @Test("every activation claims its name in the store's directory")
    func activationClaims() async throws {
        let store = MemoryStore()
        let node = try await TestNodes.start(store: .custom(store))
        let handle = node.actor(Ledger.self, key: Probe().key)
        #expect(try await store.owner(of: handle.name) == nil)

        _ = try await handle.call(.total)

        let owner = try await store.owner(of: handle.name)
        #expect(owner?.node == node.id)
        #expect(owner?.epoch == 1)
        await node.shutdown()
    }
}
