import Testing

@testable import DNA

/// The open input gate: while a batch's flush is in flight, the instance handles the events that queued up.
@Suite("Pipelined flushes", .timeLimit(.minutes(1)))
struct PipelinedFlushTests {
    /// A running instance whose next flush the store holds, with a first batch that is handling
    /// `addAndWait(first)` at the probe's gate; the caller queues more events, then opens the gate.
    struct Scene {
        let store: GatedStore
        let node: Node
        let probe: Probe
        let instance: ActorInstance<Ledger>
        let first: RecordingSink<Ledger.Reply>

        static func start(first amount: Int) async throws -> Scene {
            let store = GatedStore()
            let node = try await TestNodes.start(store: .custom(store))
            let probe = Probe()
            _ = try await node.actor(Ledger.self, key: probe.key).call(.total)
            let instance = try TestNodes.instance(of: probe.key, on: node)

            store.hold()
            let first = RecordingSink<Ledger.Reply>()
            #expect(instance.call(.addAndWait(amount), sink: first))
            await probe.waitingHandlers.wait(for: 1)
            return Scene(store: store, node: node, probe: probe, instance: instance, first: first)
        }

        /// Queues a call behind the waiting batch.
        func call(_ message: Ledger.Message) -> RecordingSink<Ledger.Reply> {
            let sink = RecordingSink<Ledger.Reply>()
            #expect(instance.call(message, sink: sink))
            return sink
        }
    }

    @Test("the next batch is handled while the flush is held, and its replies wait for that flush")
    func nextBatchRunsBehindTheFlush() async throws {
        let scene = try await Scene.start(first: 5)
        let total = scene.call(.total)
        let put = scene.call(.put("k", 1))
        scene.probe.handlerGate.open()

        // `total` and `put` were handled (with `total` answered from memory) while the first flush is held.
        await scene.probe.handled.wait(for: 1 + 3)
        await scene.store.flushes.wait(for: 1)
        #expect(!scene.first.isCompleted)
        #expect(!total.isCompleted, "a reply went out before the flush of the writes before it")
        #expect(!put.isCompleted)

        scene.store.release()
        #expect(try await scene.first.value() == .total(5))
        #expect(try await total.value() == .total(5))
        #expect(try await put.value() == .done)
        #expect(try await scene.store.base.get(scene.instance.name, module: "entries", key: "k") != nil)
        await scene.node.shutdown()
    }

    @Test("reads and lists of the next batch see the writes of the flush in flight")
    func readsSeeWritesInFlight() async throws {
        let scene = try await Scene.start(first: 1)
        let stage = scene.call(.put("a", 7))
        scene.probe.handlerGate.open()

        // The batch that staged "a" was handled and waits for the first flush; the next events queue behind it.
        await scene.probe.handled.wait(for: 1 + 2)
        await scene.store.flushes.wait(for: 1)
        let read = scene.call(.read("a"))
        let list = scene.call(.list(prefix: "", after: nil, limit: 10))
        scene.store.releaseOne()

        // "a" is now in flight with the second flush, held by the store, while the last batch reads it.
        await scene.probe.handled.wait(for: 1 + 4)
        await scene.store.flushes.wait(for: 2)
        #expect(try await scene.store.base.get(scene.instance.name, module: "entries", key: "a") == nil)
        #expect(!read.isCompleted)

        scene.store.release()
        #expect(try await stage.value() == .done)
        #expect(try await read.value() == .value(7))
        #expect(try await list.value() == .page(keys: ["a"], next: nil))
        await scene.node.shutdown()
    }

    @Test("a pipelined flush that fails fails every reply held since; the instance restarts from durable data")
    func failedFlushFailsEverythingHeldSince() async throws {
        let scene = try await Scene.start(first: 5)
        let add = scene.call(.add(1))
        let total = scene.call(.total)
        scene.store.failAlways(true)
        scene.probe.handlerGate.open()
        await scene.probe.handled.wait(for: 1 + 3)

        scene.store.release()
        for sink in [scene.first, add, total] {
            let error = await #expect(throws: DNAError.self) { try await sink.value() }
            #expect(error?.code == .flushFailed)
        }

        scene.store.failAlways(false)
        let handle = scene.node.actor(Ledger.self, key: scene.probe.key)
        #expect(try await handle.call(.total) == .total(0))
        #expect(scene.probe.initialisations.count == 2)
        await scene.node.shutdown()
    }

    @Test("with pipelining off, a batch waits for the flush before it")
    func closedInputGateWaits() async throws {
        let store = GatedStore()
        let node = try await TestNodes.start(store: .custom(store)) { $0.pipelinesFlushes = false }
        let probe = Probe()
        _ = try await node.actor(Ledger.self, key: probe.key).call(.total)
        let instance = try TestNodes.instance(of: probe.key, on: node)

        store.hold()
        let first = RecordingSink<Ledger.Reply>()
        #expect(instance.call(.addAndWait(2), sink: first))
        await probe.waitingHandlers.wait(for: 1)
        let second = RecordingSink<Ledger.Reply>()
        #expect(instance.call(.add(3), sink: second))
        probe.handlerGate.open()
        await store.flushes.wait(for: 1)

        // The second call is handled only once the first flush is let go: it then has a flush of its own.
        #expect(probe.handled.count == 1 + 1)
        store.releaseOne()
        #expect(try await first.value() == .total(2))
        await store.flushes.wait(for: 2)
        #expect(probe.handled.count == 1 + 2)
        store.release()
        #expect(try await second.value() == .total(5))
        await node.shutdown()
    }
}
