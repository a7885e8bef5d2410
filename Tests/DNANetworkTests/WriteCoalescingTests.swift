import Testing

@testable import DNANetwork

/// Lazy writes (`inline: false`) that stream behind a send wait for the coalescing delay, so that they share
/// one system call; urgent writes never wait.
@Suite("Write coalescing", .timeLimit(.minutes(1)))
struct WriteCoalescingTests {
    @Test("lazy writes behind a send wait; an urgent write takes them along in one send, in order")
    func urgentWriteTakesLazyOnesAlong() async throws {
        // So long that only the urgent write can have sent the lazy ones within the test's limit.
        try await withCoalescingPair(delay: .seconds(600)) { client, server in
            client.write([0])
            try await server.record.wait { $0.bytes.count == 1 }
            let before = try await client.loop.submit { client.statistics.sendCalls }

            for index in 1...100 {
                client.write([UInt8(index)], inline: false)
            }
            // Runs after any flush the lazy writes had asked the loop for: none was.
            let held = try await client.loop.submit { client.statistics.sendCalls }
            #expect(held == before)
            client.write([255])

            let record = try await server.record.wait { $0.bytes.count == 102 }
            #expect(record.bytes == [0] + (1...100).map { UInt8($0) } + [255])
            let after = try await client.loop.submit { client.statistics.sendCalls }
            #expect(after - before == 1)
        }
    }

    @Test("lazy writes behind a send go out, in order, once the delay has passed, with no write after them")
    func lazyWritesGoOutAfterTheDelay() async throws {
        try await withCoalescingPair(delay: .milliseconds(20)) { client, server in
            client.write([0])
            try await server.record.wait { $0.bytes.count == 1 }

            for index in 1...50 {
                client.write([UInt8(index)], inline: false)
            }

            // How many sends they share depends on the scheduler; that they arrive does not.
            let record = try await server.record.wait { $0.bytes.count == 51 }
            #expect(record.bytes == (0...50).map { UInt8($0) })
        }
    }

    @Test("the first lazy write on a quiet connection goes out at once")
    func quietConnectionDoesNotWait() async throws {
        try await withCoalescingPair(delay: .seconds(600)) { client, server in
            client.write([7], inline: false)
            let record = try await server.record.wait { $0.bytes.count == 1 }
            #expect(record.bytes == [7])
        }
    }

    /// A client whose connection coalesces lazy writes for `delay`, connected to a recording server.
    private func withCoalescingPair(
        delay: Duration,
        _ body: (TCPConnection, RecordingHandler) async throws -> Void
    ) async throws {
        try await withLoopGroup { group in
            let server = RecordingHandler()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in server }
            var configuration = TCPConnection.Configuration()
            configuration.coalescingDelay = delay
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next(),
                configuration: configuration
            ) { _ in RecordingHandler() }

            try await body(client, server)
            client.close()
            listener.close()
        }
    }
}
