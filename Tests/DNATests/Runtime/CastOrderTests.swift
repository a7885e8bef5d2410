import DNA
import Testing

@Suite("Cast ordering", .timeLimit(.minutes(1)))
struct CastOrderTests {
    @Test("casts from one sender are handled in the order sent, across batches and flushes")
    func oneSender() async throws {
        // Small fixed batches make the casts span many batches, each with a flush.
        let node = try await TestNodes.start { $0.batching = BatchingConfiguration(maxBatch: 7, adaptive: false) }
        let handle = node.actor(Ledger.self, key: Probe().key)

        for number in 0..<1_000 {
            handle.cast(.record(number))
        }
        let reply = try await handle.call(.recorded)

        #expect(reply == .recorded(Array(0..<1_000)))
        #expect(node.metrics.snapshot["batches", default: 0] > 100)
        await node.shutdown()
    }

    @Test("each of several concurrent senders keeps its own order")
    func severalSenders() async throws {
        let node = try await TestNodes.start()
        let handle = node.actor(Ledger.self, key: Probe().key)
        _ = try await handle.call(.total)

        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    for number in 0..<250 {
                        handle.cast(.record(sender * 1_000 + number))
                    }
                }
            }
        }
        guard case .recorded(let seen) = try await handle.call(.recorded) else {
            Issue.record("unexpected reply")
            return
        }

        #expect(seen.count == 1_000)
        for sender in 0..<4 {
            let own = seen.filter { $0 / 1_000 == sender }
            #expect(own == Array(sender * 1_000..<sender * 1_000 + 250))
        }
        await node.shutdown()
    }
}
