import Synchronization
import Testing

@testable import DNANetwork

@Suite("Cluster transport on loopback", .timeLimit(.minutes(1)))
struct ClusterTransportTests {
    @Test("a request gets its reply, and the handler learns the caller's node id")
    func requestReply() async throws {
        try await withLoopGroup { group in
            let log = IncomingLog()
            let (server, address) = try await startTransport(clusterConfiguration(node: "node-b"), group: group) {
                log.record($0)
                $0.reply(Array("re:".utf8) + $0.payload)
            }
            let (client, _) = try await startTransport(clusterConfiguration(node: "node-a"), group: group)

            let reply = try await client.request(to: address, payload: Array("hi".utf8))
            #expect(reply == Array("re:hi".utf8))
            #expect(log.entries.value.map(\.peer) == ["node-a"])
            #expect(log.entries.value.map(\.expectedReply) == [true])
            #expect(client.nodeID(of: address) == "node-b")

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("concurrent requests share one connection and each gets its own reply")
    func multiplexing() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group)
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)

            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for index in 0..<200 {
                    tasks.addTask {
                        let payload = Array("request \(index)".utf8)
                        return try await client.request(to: address, payload: payload) == payload
                    }
                }
                var matched = 0
                for try await isMatch in tasks where isMatch {
                    matched += 1
                }
                #expect(matched == 200)
            }
            #expect(client.connectAttemptCount == 1)

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("one-way messages arrive in the order sent")
    func oneWayOrder() async throws {
        try await withLoopGroup { group in
            let log = IncomingLog()
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group) {
                log.record($0)
                #expect(!$0.reply([1]), "a one-way message cannot be replied to")
            }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)

            let count = 5_000
            for index in 0..<count {
                try client.send(to: address, payload: [UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)])
            }

            let entries = try await log.entries.wait { $0.count == count }
            let received = entries.map { Int($0.payload[0]) << 8 | Int($0.payload[1]) }
            #expect(received == Array(0..<count))
            #expect(entries.allSatisfy { !$0.expectedReply && $0.peer == "a" })

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("frames written in one loop tick leave in one send")
    func writeCoalescing() async throws {
        try await withLoopGroup { group in
            let log = IncomingLog()
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group) {
                log.record($0)
            }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)
            try await client.connect(to: address)
            let connection = try #require(client.connection(to: address))
            let before = connection.statistics.sendCalls

            try await connection.loop.submit {
                for index in 0..<100 {
                    try client.send(to: address, payload: [UInt8(index)])
                }
            }

            let entries = try await log.entries.wait { $0.count == 100 }
            #expect(entries.map { Int($0.payload[0]) } == Array(0..<100))
            // Read on the loop: the counter is raised after `send` returns, which may be after the bytes arrived.
            let after = try await connection.loop.submit { connection.statistics.sendCalls }
            #expect(after - before == 1)

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("a request without a reply times out, and the connection goes on serving")
    func requestTimeout() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group) {
                if $0.payload != [0] {
                    $0.reply($0.payload)
                }
            }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)

            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: [0], timeout: .milliseconds(200))
            }
            #expect(error?.code == .timedOut)
            #expect(clock.now - started >= .milliseconds(200))

            #expect(try await client.request(to: address, payload: [1]) == [1])
            #expect(client.connectAttemptCount == 1)

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("an unreachable peer fails fast during back-off, and connect retries once it is back")
    func unreachableAndReconnect() async throws {
        try await withLoopGroup { group in
            var configuration = clusterConfiguration(node: "a")
            // Long enough that the second call lands inside it even on a loaded machine; connect waits it out.
            configuration.reconnectBackoff = ReconnectBackoff(initial: .seconds(2), maximum: .seconds(2))
            let (client, _) = try await startTransport(configuration, group: group)
            let reserved = try ReservedPort()
            let address = PeerAddress(host: "127.0.0.1", port: reserved.port)

            let first = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: [1])
            }
            #expect(first?.code == .unreachable)
            #expect(client.connectAttemptCount == 1)

            let during = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: [1])
            }
            #expect(during?.code == .unreachable)
            #expect(client.connectAttemptCount == 1, "a call during back-off must not connect")

            let peer = ClusterTransport(configuration: clusterConfiguration(node: "b2"), group: group) {
                $0.reply($0.payload)
            }
            reserved.release()
            let restarted = try await peer.startAndReturn(listen: address)
            try await client.connect(to: address)
            #expect(client.connectAttemptCount == 2)
            #expect(try await client.request(to: address, payload: [2]) == [2])
            #expect(client.nodeID(of: address) == "b2")

            await client.shutdown()
            await restarted.shutdown()
        }
    }

    @Test("after a connection is lost the next request reconnects")
    func reconnectAfterLoss() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group)
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)
            #expect(try await client.request(to: address, payload: [1]) == [1])

            let connection = try #require(client.connection(to: address))
            connection.abort(reason: .protocolError("test"))
            _ = await connection.waitUntilClosed()

            #expect(try await client.request(to: address, payload: [2]) == [2])
            #expect(client.connectAttemptCount == 2)

            await client.shutdown()
            await server.shutdown()
        }
    }

    @Test("a wrong secret or another cluster fails the handshake; the server goes on serving")
    func handshakeRejected() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group)
            let (impostor, _) = try await startTransport(
                clusterConfiguration(node: "x", secret: "wrong"),
                group: group
            )
            let (stranger, _) = try await startTransport(
                clusterConfiguration(node: "y", cluster: "elsewhere"),
                group: group
            )
            let (member, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)

            for outsider in [impostor, stranger] {
                let error = await #expect(throws: ClusterTransportError.self) {
                    try await outsider.request(to: address, payload: [1])
                }
                #expect(error?.code == .handshakeFailed)
            }
            #expect(try await member.request(to: address, payload: [7]) == [7])

            for transport in [impostor, stranger, member, server] {
                await transport.shutdown()
            }
        }
    }

    @Test("garbage bytes or silence close only that connection")
    func garbageAndSilence() async throws {
        try await withLoopGroup { group in
            var configuration = clusterConfiguration(node: "b")
            configuration.handshakeTimeout = .milliseconds(200)
            let (server, address) = try await startTransport(configuration, group: group)
            let (member, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)
            #expect(try await member.request(to: address, payload: [1]) == [1])

            let inputs: [[UInt8]] = [
                Array("GET / HTTP/1.1\r\n\r\n".utf8),  // a huge announced length
                [0, 0, 0, 5, 0x01, 0xDE, 0xAD, 0xBE, 0xEF],  // a small hello frame without the magic
                [0, 0, 0, 3, 0x10, 0, 0],  // a request before the handshake
                [],  // nothing at all: the handshake timeout
            ]
            for input in inputs {
                let peer = RecordingHandler()
                let raw = try await TCPClient.connect(host: "127.0.0.1", port: address.port, on: group.next()) { _ in
                    peer
                }
                raw.write(input)
                let record = try await peer.record.wait { $0.closeReason != nil }
                #expect(record.closeReason?.code == .endOfFile || record.closeReason?.code == .reset)
            }

            #expect(try await member.request(to: address, payload: [2]) == [2])
            #expect(member.connectAttemptCount == 1, "the member's connection was never disturbed")

            await member.shutdown()
            await server.shutdown()
        }
    }

    @Test("an oversized frame closes that connection; oversized payloads and replies are refused")
    func oversizedFrames() async throws {
        try await withLoopGroup { group in
            var small = clusterConfiguration(node: "b")
            small.maximumFrameSize = 1_024
            let (server, address) = try await startTransport(small, group: group) {
                $0.reply(Array(repeating: 1, count: $0.payload.count * 2))
            }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)

            let closed = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: Array(repeating: 0, count: 4_096))
            }
            #expect(closed?.code == .closed)

            let refusedReply = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: Array(repeating: 0, count: 1_000))
            }
            #expect(refusedReply?.code == .tooLarge)
            #expect(try await client.request(to: address, payload: [1, 2]) == [1, 1, 1, 1])

            let (smallClient, _) = try await startTransport(small, group: group)
            let tooLarge = #expect(throws: ClusterTransportError.self) {
                try smallClient.send(to: address, payload: Array(repeating: 0, count: 2_000))
            }
            #expect(tooLarge?.code == .tooLarge)

            for transport in [smallClient, client, server] {
                await transport.shutdown()
            }
        }
    }

    @Test("a peer that stops reading has its connection closed at the queue bound; others are unaffected")
    func stalledPeer() async throws {
        try await withLoopGroup { group in
            var configuration = clusterConfiguration(node: "a")
            configuration.maximumQueuedBytes = 1 << 20
            configuration.writeHighWaterMark = 256 << 10
            let (client, _) = try await startTransport(configuration, group: group)
            let (healthy, healthyAddress) = try await startTransport(clusterConfiguration(node: "b"), group: group)

            let stalledConfiguration = clusterConfiguration(node: "stalled")
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
                StalledPeer(configuration: stalledConfiguration)
            }
            let stalled = PeerAddress(host: "127.0.0.1", port: listener.localAddress.port)
            try await client.connect(to: stalled)
            let connection = try #require(client.connection(to: stalled))

            let chunk = [UInt8](repeating: 7, count: 64 << 10)
            var sentBytes = 0
            var sendError: ClusterTransportError?
            while sentBytes < 256 << 20, sendError == nil {
                do throws(ClusterTransportError) {
                    try client.send(to: stalled, payload: chunk)
                    sentBytes += chunk.count
                } catch {
                    sendError = error
                }
            }
            #expect(sendError?.code == .closed, "the queue bound never closed the connection")
            #expect(await connection.waitUntilClosed().code == .outboundLimitExceeded)
            #expect(try await client.request(to: healthyAddress, payload: [3]) == [3])

            listener.close()
            await client.shutdown()
            await healthy.shutdown()
        }
    }

    @Test("waitUntilWritable suspends while a slow peer's queue is above the high-water mark")
    func backPressure() async throws {
        try await withLoopGroup { group in
            var configuration = clusterConfiguration(node: "a")
            configuration.writeHighWaterMark = 64 << 10
            let (client, _) = try await startTransport(configuration, group: group)
            let stalledConnection = Watched<TCPConnection?>(nil)
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
                StalledPeer(configuration: clusterConfiguration(node: "stalled"), stalled: stalledConnection)
            }
            let stalled = PeerAddress(host: "127.0.0.1", port: listener.localAddress.port)
            try await client.connect(to: stalled)
            let connection = try #require(client.connection(to: stalled))
            let peerConnection = try #require(try await stalledConnection.wait { $0 != nil })

            while connection.isWritable {
                try client.send(to: stalled, payload: [UInt8](repeating: 1, count: 16 << 10))
            }
            let resumed = Atomic<Bool>(false)
            let waiter = Task {
                try await client.waitUntilWritable(to: stalled)
                return resumed.load(ordering: .acquiring)
            }
            resumed.store(true, ordering: .releasing)
            peerConnection.resumeReading()

            #expect(try await waiter.value, "waitUntilWritable returned while the queue was above the mark")
            #expect(connection.isWritable)

            listener.close()
            await client.shutdown()
        }
    }

    @Test("shutdown fails pending requests and refuses later calls")
    func shutdownFailsPending() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group) { _ in }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)
            try await client.connect(to: address)

            let pending = Task { try await client.request(to: address, payload: [1], timeout: .seconds(30)) }
            let started = Task { await client.shutdown() }
            let error = await #expect(throws: ClusterTransportError.self) { try await pending.value }
            #expect(error?.code == .shutDown || error?.code == .closed)
            await started.value

            let later = await #expect(throws: ClusterTransportError.self) {
                try await client.request(to: address, payload: [1])
            }
            #expect(later?.code == .shutDown)
            #expect(client.openConnectionCount == 0)
            await server.shutdown()
        }
    }

    @Test("cancelling the calling task ends its request")
    func cancellation() async throws {
        try await withLoopGroup { group in
            let (server, address) = try await startTransport(clusterConfiguration(node: "b"), group: group) { _ in }
            let (client, _) = try await startTransport(clusterConfiguration(node: "a"), group: group)
            try await client.connect(to: address)

            let pending = Task { try await client.request(to: address, payload: [1], timeout: .seconds(30)) }
            pending.cancel()
            let error = await #expect(throws: ClusterTransportError.self) { try await pending.value }
            #expect(error?.code == .cancelled)

            await client.shutdown()
            await server.shutdown()
        }
    }
}

extension ClusterTransport {
    /// Starts listening on `address` and returns the transport, for chaining in tests.
    fileprivate func startAndReturn(listen address: PeerAddress) async throws -> ClusterTransport {
        try await start(listen: address)
        return self
    }
}
