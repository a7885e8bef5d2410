import Testing

@testable import DNA

@Suite("Passivation", .timeLimit(.minutes(1)))
struct PassivationTests {
    @Test("an idle instance passivates after the idle timeout and comes back with its state")
    func idleTimeout() async throws {
        let node = try await TestNodes.start { $0.idleTimeout = .milliseconds(100) }
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(4)) == .total(4))
        #expect(try await handle.call(.put("k", 8)) == .done)

        await probe.stops.wait(for: 1)
        #expect(try await handle.call(.total) == .total(4))
        #expect(try await handle.call(.read("k")) == .value(8))
        #expect(probe.initialisations.count == 2)
        #expect(try await node.store.owner(of: handle.name)?.node == node.id, "passivation gave up the claim")
        await node.shutdown()
    }

    @Test("beyond the resident bound the least recently used idle instances passivate")
    func residentBound() async throws {
        // The idle timeout is long, so only the bound makes this sweep passivate anything.
        let node = try await TestNodes.start { $0.maxResidentActors = 4 }
        let probes = (0..<8).map { _ in Probe() }
        for (index, probe) in probes.enumerated() {
            _ = try await node.actor(Ledger.self, key: probe.key).call(.add(index))
        }
        #expect(node.residentActors == 8)

        await Passivation.sweep(node.runtime, now: .now())

        #expect(node.residentActors == 4)
        #expect(probes.prefix(4).allSatisfy { $0.stops.count == 1 })
        #expect(probes.suffix(4).allSatisfy { $0.stops.count == 0 })
        let reply = try await node.actor(Ledger.self, key: probes[2].key).call(.total)
        #expect(reply == .total(2))
        await node.shutdown()
    }
}
