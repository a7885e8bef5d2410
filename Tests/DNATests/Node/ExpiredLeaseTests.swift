import Testing

@testable import DNA

@Suite("Expired lease", .timeLimit(.minutes(1)))
struct ExpiredLeaseTests {
    @Test("an event queued before the lease ran out is not handled after it, even before the watchdog fences")
    func queuedEventNotServedAfterExpiry() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(1)) == .total(1))

        let busy = Task { try await handle.call(.addAndWait(1)) }
        await probe.waitingHandlers.wait(for: 1)
        let queued = Task { try await handle.call(.total) }
        #expect(
            await eventually { node.runtime.existingInstance(for: handle.name, as: Ledger.self)?.queuedEvents == 1 }
        )

        // What a process sees when it resumes after a stall longer than its lease: the lease is gone, and the
        // runner may wake before the watchdog. A peer may own the name by now, so the read must not be served.
        node.runtime.lease.runOut()
        probe.handlerGate.open()
        let refused = await #expect(throws: DNAError.self) { try await queued.value }
        #expect(refused?.code == .notServing)
        _ = try? await busy.value

        // The watchdog fences the node and it rejoins; the actor then serves again from durable state.
        #expect(await eventually { node.isServing })
        #expect(try await handle.call(.total) == .total(2))
        await node.shutdown()
    }

    @Test("an instance that fails after the lease ran out does not start again under the lost claim")
    func noIncarnationAfterExpiry() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(1)) == .total(1))

        let failing = Task { try await handle.call(.waitThenFail) }
        await probe.waitingHandlers.wait(for: 1)
        node.runtime.lease.runOut()
        probe.handlerGate.open()
        await #expect(throws: DNAError.self) { try await failing.value }

        // The failed batch ends the incarnation; with the lease gone, no new one may start (it would log an
        // activation, and run, under a claim peers may have taken over).
        #expect(await eventually { node.runtime.existingInstance(for: handle.name, as: Ledger.self) == nil })
        #expect(probe.initialisations.count == 1)
        #expect(await eventually { node.isServing })
        await node.shutdown()
    }
}
