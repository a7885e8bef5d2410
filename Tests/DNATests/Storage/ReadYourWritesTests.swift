import Testing

@testable import DNA

@Suite("Key-value reads of staged writes")
struct ReadYourWritesTests {
    @Test("get sees staged sets and deletes before they are durable")
    func getSeesStagedWrites() async throws {
        let fixture = try await KeyValueFixture()
        try await fixture.seed(["kept", "doomed"])

        try fixture.storage.set("new", to: 42)
        try fixture.storage.delete("doomed")

        #expect(try await fixture.storage.get("new", as: Int.self) == 42)
        #expect(try await fixture.storage.get("doomed", as: Int.self) == nil)
        #expect(try await fixture.storage.get("kept", as: Int.self) == 0)
        #expect(try await fixture.durable("new") == nil)
        #expect(try await fixture.durable("doomed") == 1)
    }

    @Test("a cached value follows the writes flushed after it was read")
    func cacheFollowsFlushes() async throws {
        let fixture = try await KeyValueFixture()
        try await fixture.seed(["a"])
        #expect(try await fixture.storage.get("a", as: Int.self) == 0)
        #expect(try await fixture.storage.get("absent", as: Int.self) == nil)

        try fixture.storage.set("a", to: 5)
        try fixture.storage.set("absent", to: 6)
        try await fixture.flush()

        #expect(try await fixture.storage.get("a", as: Int.self) == 5)
        #expect(try await fixture.storage.get("absent", as: Int.self) == 6)
    }

    @Test("a handler reads its own write, and later messages of its batch see the batch's writes")
    func actorReadsItsWrites() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.putAndRead("x", 9)) == .value(9))

        // A held flush keeps the runner busy while the next messages queue up as one batch.
        store.hold()
        handle.cast(.put("w", 1))
        await store.flushes.wait(for: 2)
        let instance = try TestNodes.instance(of: probe.key, on: node)
        let listing = RecordingSink<Ledger.Reply>()
        let reading = RecordingSink<Ledger.Reply>()
        handle.cast(.put("y", 3))
        handle.cast(.remove("x"))
        #expect(instance.call(.list(prefix: "", after: nil, limit: 10), sink: listing))
        #expect(instance.call(.read("y"), sink: reading))
        store.release()

        #expect(try await listing.value() == .page(keys: ["w", "y"], next: nil))
        #expect(try await reading.value() == .value(3))
        #expect(store.flushes.count == 3)
        await node.shutdown()
    }
}
