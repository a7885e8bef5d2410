import Testing

@testable import DNA

@Suite("Throwing handlers", .timeLimit(.minutes(1)))
struct HandlerFailureTests {
    @Test("a throwing handler fails its batch's callers, drops the batch's writes and restarts the instance")
    func throwingHandler() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store))
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        // The first flush holds the runner, so that both calls below form one batch.
        store.hold()
        handle.cast(.add(1))
        await store.flushes.wait(for: 1)
        let instance = try TestNodes.instance(of: probe.key, on: node)
        let adding = RecordingSink<Ledger.Reply>()
        let failing = RecordingSink<Ledger.Reply>()
        #expect(instance.call(.add(5), sink: adding))
        #expect(instance.call(.addThenFail(100), sink: failing))
        store.release()

        let first = await #expect(throws: DNAError.self) { try await adding.value() }
        let second = await #expect(throws: DNAError.self) { try await failing.value() }
        #expect(first?.code == .handlerFailed)
        #expect(second?.code == .handlerFailed)
        #expect(try await handle.call(.total) == .total(1))
        #expect(probe.initialisations.count == 2)
        #expect(store.flushes.count == 1)
        await node.shutdown()
    }

    @Test("the restart-intensity limit stops an instance that keeps failing and fails the calls queued for it")
    func restartLimit() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store)) {
            $0.restartIntensity = RestartIntensity(maxRestarts: 2, period: .seconds(60))
            $0.batching = BatchingConfiguration(maxBatch: 1, adaptive: false)
        }
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        // Queue three failing calls and one more behind a held flush; with batches of one, each fails alone.
        store.hold()
        handle.cast(.add(1))
        await store.flushes.wait(for: 1)
        let instance = try TestNodes.instance(of: probe.key, on: node)
        let failing = (0..<3).map { _ in RecordingSink<Ledger.Reply>() }
        let last = RecordingSink<Ledger.Reply>()
        for sink in failing {
            #expect(instance.call(.addThenFail(1), sink: sink))
        }
        #expect(instance.call(.total, sink: last))
        store.release()

        for sink in failing {
            let error = await #expect(throws: DNAError.self) { try await sink.value() }
            #expect(error?.code == .handlerFailed)
        }
        let error = await #expect(throws: DNAError.self) { try await last.value() }
        #expect(error?.code == .restartLimitExceeded)
        #expect(probe.initialisations.count == 3)
        await instance.waitUntilStopped()
        #expect(node.residentActors == 0)

        // The stopped instance is gone; a later message starts a fresh one from durable state.
        #expect(try await handle.call(.total) == .total(1))
        await node.shutdown()
    }
}
