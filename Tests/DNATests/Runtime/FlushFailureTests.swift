import Testing

@testable import DNA

@Suite("Failed flushes", .timeLimit(.minutes(1)))
struct FlushFailureTests {
    @Test("a flush that fails a few times then succeeds: the caller succeeds and the data is durable")
    func retriedFlushSucceeds() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store)) {
            $0.flushRetry = FlushRetryPolicy(attempts: 4, initialBackoff: .milliseconds(1))
        }
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)

        store.failNext(3)
        #expect(try await handle.call(.add(7)) == .total(7))

        #expect(store.flushes.count == 4)
        #expect(node.metrics.snapshot["flush_failures"] == 3)
        #expect(node.metrics.snapshot["restarts"] == 0)
        let durable = try await store.base.get(handle.name, module: "state", key: "total")
        #expect(try durable.map { try BinaryDecoder().decode(Int.self, from: $0) } == 7)
        await node.shutdown()
    }

    @Test("a flush that always fails: callers get flushFailed and the instance restarts from durable data")
    func exhaustedFlushRestarts() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.add(1))

        store.failAlways(true)
        let error = await #expect(throws: DNAError.self) { try await handle.call(.add(10)) }
        #expect(error?.code == .flushFailed)
        #expect(store.flushes.count == 1 + 3)

        // The staged total of 11 is gone with the incarnation; the next one loads the durable 1.
        store.failAlways(false)
        #expect(try await handle.call(.total) == .total(1))
        #expect(probe.initialisations.count == 2)
        #expect(node.metrics.snapshot["restarts"] == 1)
        await node.shutdown()
    }

    @Test("every caller held behind a failing flush gets an error, none a false success")
    func everyHeldCallerFails() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        // Hold the first flush so that the next calls queue up as one batch behind it.
        store.hold()
        handle.cast(.add(1))
        await store.flushes.wait(for: 1)
        let sinks = (0..<5).map { _ in RecordingSink<Ledger.Reply>() }
        let instance = try TestNodes.instance(of: probe.key, on: node)
        for sink in sinks {
            #expect(instance.call(.add(1), sink: sink))
        }
        store.failAlways(true)
        store.release()

        for sink in sinks {
            let error = await #expect(throws: DNAError.self) { try await sink.value() }
            #expect(error?.code == .flushFailed)
        }
        store.failAlways(false)
        #expect(try await handle.call(.total) == .total(0))
        await node.shutdown()
    }
}
