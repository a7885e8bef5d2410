import Testing

@testable import DNA

@Suite("Bad input", .timeLimit(.minutes(1)))
struct BadInputTests {
    /// An actor type that no test node registers.
    final class Unregistered: DurableActor {
        static let type: ActorType = "test.unregistered"

        init(context: ActorContext) async throws {}

        func receive(_ message: Int, context: MessageContext) async throws -> Int { message }
    }

    /// Checks that the node still serves the ledger of `key` after a bad request.
    private func expectServing(_ node: Node, key: String) async throws {
        #expect(try await node.actor(Ledger.self, key: key).call(.add(1)) == .total(1))
    }

    @Test("a call or cast to an unregistered actor type fails with unknownActorType")
    func unknownActorType() async throws {
        let node = try await TestNodes.start()
        let handle = node.actor(Unregistered.self, key: "any")

        let error = await #expect(throws: DNAError.self) { try await handle.call(1) }
        handle.cast(1)

        #expect(error?.code == .unknownActorType)
        #expect(node.metrics.snapshot["dropped_events"] == 1)
        try await expectServing(node, key: Probe().key)
        await node.shutdown()
    }

    @Test("an encoded message that does not decode fails with decodingFailed before the actor sees it")
    func undecodableMessage() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)

        let error = await #expect(throws: DNAError.self) { try await handle.call(encoded: [0xFF, 0x13, 0x37]) }
        #expect(error?.code == .decodingFailed)
        #expect(probe.initialisations.count == 0)

        let reply = try await handle.call(encoded: try BinaryEncoder().encode(Ledger.Message.add(2)))
        #expect(try BinaryDecoder().decode(Ledger.Reply.self, from: reply) == .total(2))
        await node.shutdown()
    }

    @Test("a stored value read as the wrong type fails with decodingFailed")
    func undecodableValue() async throws {
        let node = try await TestNodes.start()
        let handle = node.actor(Ledger.self, key: Probe().key)
        #expect(try await handle.call(.putBytes("raw", count: 3)) == .done)

        let error = await #expect(throws: DNAError.self) { try await handle.call(.read("raw")) }

        #expect(error?.code == .decodingFailed)
        #expect(try await handle.call(.putAndRead("fine", 5)) == .value(5))
        await node.shutdown()
    }

    @Test("keys beyond the key limit fail with limitExceeded; a key at the limit is accepted")
    func oversizedKey() async throws {
        let node = try await TestNodes.start()
        let handle = node.actor(Ledger.self, key: Probe().key)
        let limit = StorageLimits.standard.maxKeyBytes

        let error = await #expect(throws: DNAError.self) {
            try await handle.call(.put(String(repeating: "k", count: limit + 1), 1))
        }

        #expect(error?.code == .limitExceeded)
        #expect(try await handle.call(.put(String(repeating: "k", count: limit), 1)) == .done)
        await node.shutdown()
    }

    @Test("values beyond the value limit fail with limitExceeded and the node goes on serving")
    func oversizedValue() async throws {
        let node = try await TestNodes.start { $0.storageLimits = StorageLimits(maxValueBytes: 64) }
        let handle = node.actor(Ledger.self, key: Probe().key)
        #expect(try await handle.call(.putBytes("small", count: 64)) == .done)

        let error = await #expect(throws: DNAError.self) { try await handle.call(.putBytes("large", count: 65)) }

        #expect(error?.code == .limitExceeded)
        #expect(try await handle.call(.list(prefix: "", after: nil, limit: 10)) == .page(keys: ["small"], next: nil))
        try await expectServing(node, key: Probe().key)
        await node.shutdown()
    }

    @Test("the default value limit is 1 MiB")
    func defaultValueLimit() async throws {
        let node = try await TestNodes.start()
        let handle = node.actor(Ledger.self, key: Probe().key)

        let error = await #expect(throws: DNAError.self) { try await handle.call(.putBytes("v", count: 1 << 20 + 1)) }

        #expect(error?.code == .limitExceeded)
        #expect(try await handle.call(.putBytes("v", count: 1 << 20)) == .done)
        await node.shutdown()
    }
}
