import DNA
import Testing

@Suite("Fencing", .timeLimit(.minutes(1)))
struct FencingTests {
    @Test("a flush under a stale epoch fails with fenced and writes nothing")
    func staleEpoch() async throws {
        let store = MemoryStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(1)) == .total(1))

        // Claiming the name again raises its epoch behind the running instance's back.
        #expect(try await store.release(handle.name, owner: node.id))
        let newer = try await store.claim(handle.name, for: node.id)
        #expect(newer.epoch == 2)

        let error = await #expect(throws: DNAError.self) { try await handle.call(.add(10)) }
        #expect(error?.code == .fenced)
        let durable = try await store.get(handle.name, module: "state", key: "total")
        #expect(try durable.map { try BinaryDecoder().decode(Int.self, from: $0) } == 1)

        // The fenced instance stopped; the next message starts one under the current claim.
        #expect(try await handle.call(.add(2)) == .total(3))
        #expect(probe.initialisations.count == 2)
        await node.shutdown()
    }
}
