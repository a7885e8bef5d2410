import Testing

@testable import DNA

@Suite("Output gate", .timeLimit(.minutes(1)))
struct OutputGateTests {
    @Test("a reply is held until the flush of the writes staged before it completes")
    func replyWaitsForFlush() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        store.hold()
        let sink = RecordingSink<Ledger.Reply>()
        #expect(try TestNodes.instance(of: probe.key, on: node).call(.add(5), sink: sink))
        await store.flushes.wait(for: 1)
        #expect(!sink.isCompleted, "the reply was released while its flush was held")
        #expect(try await store.base.get(handle.name, module: "state", key: "total") == nil)

        store.release()
        #expect(try await sink.value() == .total(5))
        #expect(try await store.base.get(handle.name, module: "state", key: "total") != nil)
        await node.shutdown()
    }

    @Test("releaseReplyBeforeFlush releases the reply while the flush is still held")
    func optOutReleasesEarly() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        store.hold()
        let sink = RecordingSink<Ledger.Reply>()
        #expect(try TestNodes.instance(of: probe.key, on: node).call(.addEarly(3), sink: sink))
        await store.flushes.wait(for: 1)
        #expect(sink.isCompleted, "the opted-out reply waited for the flush")
        #expect(try await sink.value() == .total(3))

        store.release()
        #expect(try await handle.call(.total) == .total(3))
        await node.shutdown()
    }

    @Test("in one batch, a reply with nothing staged before it goes out at once; the next one waits")
    func onlyEarlierWritesHoldAReply() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        // The first flush keeps the runner busy, so that the two calls queue up and form the next batch.
        store.hold()
        let instance = try TestNodes.instance(of: probe.key, on: node)
        handle.cast(.add(1))
        await store.flushes.wait(for: 1)
        let read = RecordingSink<Ledger.Reply>()
        let write = RecordingSink<Ledger.Reply>()
        #expect(instance.call(.total, sink: read))
        #expect(instance.call(.add(2), sink: write))
        store.releaseOne()

        await store.flushes.wait(for: 2)
        #expect(read.isCompleted)
        #expect(!write.isCompleted, "a reply went out before the writes staged with it were durable")
        #expect(try await read.value() == .total(1))

        store.release()
        #expect(try await write.value() == .total(3))
        await node.shutdown()
    }
}
