import Testing

@testable import DNA

/// What an idle instance keeps: the buffers of its batches only when it once had a burst to work off.
@Suite("The footprint of idle instances", .timeLimit(.minutes(1)))
struct IdleFootprintTests {
    @Test("an instance that handled one message at a time goes idle holding no batch buffers")
    func quietActor() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(1)) == .total(1))
        #expect(try await handle.call(.total) == .total(1))

        // A call on an idle instance runs on the caller's task, which also puts the instance back to idle
        // before it returns: nothing else touches the runner state now.
        let instance = try TestNodes.instance(of: probe.key, on: node)
        #expect(instance.idleSince != nil)
        #expect(instance.mailbox.withLock { $0.queue.capacity } == 0)
        #expect(instance.runnerSpareQueue.capacity == 0)
        #expect(instance.runnerBatch == nil)
        await node.shutdown()
    }

    @Test("an instance whose queue grew keeps its buffers for the next burst")
    func burstyActor() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)

        try await burst(into: handle, probe: probe)
        #expect(try await handle.call(.recorded) == .recorded(Array(0..<64)))

        let instance = try TestNodes.instance(of: probe.key, on: node)
        // The runner task that worked off the burst may still be on its way to idle.
        #expect(await eventually { instance.idleSince != nil })
        let kept = max(instance.runnerSpareQueue.capacity, instance.mailbox.withLock { $0.queue.capacity })
        #expect(kept > RingBuffer<ActorInstance<Ledger>.Event>.initialCapacity)
        #expect(instance.runnerBatch != nil)
        await node.shutdown()
    }

    @Test("a stopped instance is freed, buffers and all, once nothing refers to it")
    func stoppedInstanceIsFreed() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        weak var stopped: ActorInstance<Ledger>?
        do {
            let handle = node.actor(Ledger.self, key: probe.key)
            try await burst(into: handle, probe: probe)
            _ = try await handle.call(.recorded)

            let instance = try TestNodes.instance(of: probe.key, on: node)
            #expect(await eventually { instance.idleSince != nil })
            #expect(instance.runnerBatch != nil, "the burst should have left its buffers")
            stopped = instance
            await instance.stop(.passivate)
        }
        // The handle, its cache and the registry are gone: only a reference cycle could keep it alive.
        #expect(stopped == nil)
        await node.shutdown()
    }

    /// Holds the handler so that 64 casts queue up behind it, then lets everything through.
    private func burst(into handle: ActorHandle<Ledger>, probe: Probe) async throws {
        let held = Task { try await handle.call(.addAndWait(1)) }
        await probe.waitingHandlers.wait(for: 1)
        for number in 0..<64 {
            handle.cast(.record(number))
        }
        probe.handlerGate.open()
        _ = try await held.value
    }
}
