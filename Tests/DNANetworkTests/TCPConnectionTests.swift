import Glibc
import Synchronization
import Testing

@testable import DNANetwork

@Suite("TCP connections on loopback", .timeLimit(.minutes(1)))
struct TCPConnectionTests {
    @Test("echo round trip over IPv4, IPv6 and localhost", arguments: ["127.0.0.1", "::1", "localhost"])
    func echoRoundTrip(host: String) async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: host, port: 0, group: group) { _ in EchoHandler() }
            #expect(listener.localAddress.port != 0)

            let recorder = RecordingHandler()
            let client = try await TCPClient.connect(
                host: host,
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in recorder }

            client.write(Array("hello, loop".utf8))
            let record = try await recorder.record.wait { $0.bytes.count >= 11 }
            #expect(String(decoding: record.bytes, as: UTF8.self) == "hello, loop")

            client.close()
            let reason = await client.waitUntilClosed()
            #expect(reason.code == .localClose)
            listener.close()
        }
    }

    @Test("frames written from several threads arrive complete and in per-thread order")
    func concurrentWritersKeepOrder() async throws {
        try await withLoopGroup { group in
            let frames = FrameRecorder()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
                FrameDecodingHandler(receiver: frames)
            }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler() }

            let threads = 4
            let perThread = 5_000
            try await onThreads(threads) { thread in
                for index in 0..<perThread {
                    client.writeFrame([UInt8(thread)] + withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) })
                }
            }

            let record = try await frames.record.wait { $0.frames.count == threads * perThread }
            var next = [Int](repeating: 0, count: threads)
            for frame in record.frames {
                #expect(frame.count == 5)
                let thread = Int(frame[0])
                let index = Int(ByteBuffer(bytes: Array(frame[1...])).peekUInt32() ?? .max)
                #expect(index == next[thread])
                next[thread] = index + 1
            }
            #expect(next == [Int](repeating: perThread, count: threads))

            client.close()
            listener.close()
        }
    }

    @Test("writes issued within one loop tick share one send")
    func writesAreCoalesced() async throws {
        try await withLoopGroup { group in
            let server = RecordingHandler()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in server }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler() }

            let before = client.statistics.sendCalls
            try await client.loop.submit {
                for index in 0..<1_000 {
                    client.write([UInt8(truncatingIfNeeded: index), 1, 2, 3, 4, 5, 6, 7])
                }
            }

            try await server.record.wait { $0.bytes.count == 8_000 }
            // Read on the loop: the counter is raised after `send` returns, which may be after the bytes arrived.
            let after = try await client.loop.submit { client.statistics.sendCalls }
            #expect(after - before == 1)

            client.close()
            listener.close()
        }
    }

    @Test("writes from other threads are coalesced while a send is in progress")
    func crossThreadWritesAreCoalesced() async throws {
        try await withLoopGroup { group in
            let server = RecordingHandler()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in server }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler() }

            let writes = 4 * 10_000
            try await onThreads(4) { _ in
                for _ in 0..<10_000 {
                    client.write([1, 2, 3, 4, 5, 6, 7, 8])
                }
            }

            try await server.record.wait { $0.bytes.count == writes * 8 }
            #expect(client.statistics.sendCalls < writes)

            client.close()
            listener.close()
        }
    }

    @Test("a peer closing mid-frame ends the connection with end of file and no partial frame")
    func peerClosesMidFrame() async throws {
        try await withLoopGroup { group in
            let frames = FrameRecorder()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
                FrameDecodingHandler(receiver: frames)
            }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler() }

            client.write(LengthPrefixedFrameDecoder.frame([9, 9]) + [0, 0, 0, 10, 1, 2, 3])
            client.close()

            let record = try await frames.record.wait { $0.closeReason != nil }
            #expect(record.frames == [[9, 9]])
            #expect(record.closeReason?.code == .endOfFile)
            listener.close()
        }
    }

    @Test("an oversized frame closes only that connection")
    func oversizedFrameClosesOnlyItsConnection() async throws {
        try await withLoopGroup { group in
            let accepted = Watched([FrameRecorder]())
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
                let frames = FrameRecorder()
                accepted.update { $0.append(frames) }
                return FrameDecodingHandler(decoder: .init(maximumFrameLength: 1_024), receiver: frames)
            }
            let port = listener.localAddress.port

            let goodPeer = RecordingHandler()
            let good = try await TCPClient.connect(host: "127.0.0.1", port: port, on: group.next()) { _ in goodPeer }
            try await accepted.wait { $0.count == 1 }
            let badPeer = RecordingHandler()
            let bad = try await TCPClient.connect(host: "127.0.0.1", port: port, on: group.next()) { _ in badPeer }
            let servers = try await accepted.wait { $0.count == 2 }

            bad.write([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])
            let badServer = try await servers[1].record.wait { $0.closeReason != nil }
            #expect(badServer.closeReason?.code == .protocolError)
            try await badPeer.record.wait { $0.closeReason != nil }

            good.writeFrame([1, 2, 3])
            let goodServer = try await servers[0].record.wait { $0.frames.count == 1 }
            #expect(goodServer.frames == [[1, 2, 3]])
            #expect(goodServer.closeReason == nil)

            good.close()
            listener.close()
        }
    }

    @Test("a peer that stops reading trips the high-water mark and memory stays bounded")
    func highWaterMarkBoundsMemory() async throws {
        try await withLoopGroup { group in
            let accepted = AcceptedConnections()
            var configuration = TCPConnection.Configuration()
            configuration.highWaterMark = 256 << 10
            configuration.lowWaterMark = 64 << 10
            let producerEvents = RecordingHandler()
            let listener = try TCPListener(
                host: "127.0.0.1",
                port: 0,
                group: group,
                configuration: configuration
            ) { connection in
                accepted.add(connection)
                return producerEvents
            }

            let slowPeer = RecordingHandler(pausesOnStart: true)
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in slowPeer }
            let producer = try await accepted.first()

            let chunk = [UInt8](repeating: 7, count: 16 << 10)
            var written = 0
            var maximumQueued = 0
            while producer.isWritable {
                producer.write(chunk)
                written += chunk.count
                maximumQueued = max(maximumQueued, producer.queuedOutboundBytes)
                #expect(written < 256 << 20, "the producer never saw backpressure")
                if written >= 256 << 20 {
                    break
                }
            }

            #expect(maximumQueued <= configuration.highWaterMark + chunk.count)
            try await producerEvents.record.wait { $0.writabilityChanges == [false] }

            client.resumeReading()
            try await producerEvents.record.wait { $0.writabilityChanges == [false, true] }
            try await producer.waitUntilWritable()
            let total = written
            try await slowPeer.record.wait { $0.bytes.count == total }

            client.close()
            listener.close()
        }
    }

    @Test("exceeding the outbound limit closes the connection")
    func outboundLimitClosesConnection() async throws {
        try await withLoopGroup { group in
            let accepted = AcceptedConnections()
            var configuration = TCPConnection.Configuration()
            configuration.highWaterMark = 64 << 10
            configuration.maximumOutboundBytes = 1 << 20
            let listener = try TCPListener(
                host: "127.0.0.1",
                port: 0,
                group: group,
                configuration: configuration
            ) { connection in
                accepted.add(connection)
                return RecordingHandler()
            }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler(pausesOnStart: true) }
            let producer = try await accepted.first()

            let chunk = [UInt8](repeating: 1, count: 64 << 10)
            var accepting = true
            for _ in 0..<4_096 where accepting {
                accepting = producer.write(chunk)
            }

            let reason = await producer.waitUntilClosed()
            #expect(reason.code == .outboundLimitExceeded)
            #expect(!producer.write(chunk))

            client.abort()
            listener.close()
        }
    }

    @Test("close flushes queued output before the end of file")
    func closeFlushesQueuedOutput() async throws {
        try await withLoopGroup { group in
            let accepted = AcceptedConnections()
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { connection in
                accepted.add(connection)
                return RecordingHandler()
            }
            let peer = RecordingHandler()
            _ = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in peer }
            let server = try await accepted.first()

            let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            server.write(payload)
            server.close()

            let record = try await peer.record.wait { $0.closeReason != nil }
            #expect(record.bytes == payload)
            #expect(record.closeReason?.code == .endOfFile)
            #expect(await server.waitUntilClosed().code == .localClose)
            listener.close()
        }
    }

    @Test("a read timeout closes a silent connection")
    func readTimeoutCloses() async throws {
        try await withLoopGroup { group in
            var configuration = TCPConnection.Configuration()
            configuration.readTimeout = .milliseconds(100)
            let server = RecordingHandler()
            let listener = try TCPListener(
                host: "127.0.0.1",
                port: 0,
                group: group,
                configuration: configuration
            ) { _ in server }
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in RecordingHandler() }

            let record = try await server.record.wait { $0.closeReason != nil }
            #expect(record.closeReason?.code == .timedOut)
            #expect(await client.waitUntilClosed().code == .endOfFile)
            listener.close()
        }
    }

    @Test("connecting to a closed port fails with connectionFailed")
    func connectionRefused() async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
            let port = listener.localAddress.port
            listener.close()
            await listener.waitUntilClosed()

            let error = await #expect(throws: NetworkError.self) {
                try await TCPClient.connect(host: "127.0.0.1", port: port, on: group.next()) { _ in EchoHandler() }
            }
            #expect(error?.code == .connectionFailed)
        }
    }

    @Test("shutting the loop down closes its connections")
    func shutdownClosesConnections() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
        let peer = RecordingHandler()
        let client = try await TCPClient.connect(
            host: "127.0.0.1",
            port: listener.localAddress.port,
            on: group.next()
        ) { _ in peer }

        await group.shutdown()
        #expect(client.closeReason?.code == .loopShutDown)
        #expect(peer.record.value.closeReason?.code == .loopShutDown)
    }
}
