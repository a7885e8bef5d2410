import Testing

@testable import DNA

/// Casts a peer forwarded are queued encoded, for the runner to decode, unless the runner is behind.
@Suite("Forwarded casts on the receiving instance", .timeLimit(.minutes(1)))
struct ForwardedCastTests {
    @Test("behind a backlog the caller decodes them; the order holds, and bytes that do not decode are dropped")
    func callerDecodesBehindABacklog() async throws {
        let node = try await TestNodes.start()
        let probe = Probe()
        let handle = node.actor(Ledger.self, key: probe.key)
        _ = try await handle.call(.total)
        let instance = try TestNodes.instance(of: probe.key, on: node)

        // Hold the handler so that the forwarded casts queue up behind it.
        let held = Task { try await handle.call(.addAndWait(1)) }
        await probe.waitingHandlers.wait(for: 1)
        let backlog = ActorInstance<Ledger>.backlogForCallerDecoding
        let encoder = BinaryEncoder()
        for number in 0..<(backlog + 1) {
            #expect(instance.cast(forwarded: try encoder.encode(Ledger.Message.record(number))[...]))
        }
        #expect(instance.cast(forwarded: [0xFF, 0xFF][...]))
        for number in (backlog + 1)..<(backlog * 2) {
            #expect(instance.cast(forwarded: try encoder.encode(Ledger.Message.record(number))[...]))
        }

        var queue = instance.mailbox.withLock { $0.queue }
        var kinds: [String] = []
        while let event = queue.popFirst() {
            switch event {
            case .cast: kinds.append("decoded")
            case .encodedCast: kinds.append("encoded")
            case .call, .info: kinds.append("other")
            }
        }
        let expected =
            Array(repeating: "encoded", count: backlog + 1) + ["encoded"]
            + Array(repeating: "decoded", count: backlog - 1)
        #expect(kinds == expected)

        let malformedBefore = node.metrics.snapshot["malformed_messages", default: 0]
        probe.handlerGate.open()
        _ = try await held.value
        #expect(try await handle.call(.recorded) == .recorded(Array(0..<(backlog * 2))))
        #expect(node.metrics.snapshot["malformed_messages", default: 0] == malformedBefore + 1)
        await node.shutdown()
    }
}
