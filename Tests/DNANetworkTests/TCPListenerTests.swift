import Glibc
import Synchronization
import Testing

@testable import DNANetwork

@Suite("TCP listener and connect edge cases", .timeLimit(.minutes(1)))
struct TCPListenerTests {
    @Test("running out of descriptors pauses accepting without stopping the listener")
    func acceptFailuresBackOff() async throws {
        try await withLoopGroup { group in
            let failuresLeft = Atomic<Int>(3)
            let listener = try TCPListener(
                host: "127.0.0.1",
                port: 0,
                group: group,
                backlog: 16,
                configuration: .init(),
                accept: { descriptor in
                    // Simulates EMFILE without touching the process-wide descriptor limit.
                    if failuresLeft.subtract(1, ordering: .relaxed).newValue >= 0 {
                        return .failure(Socket.AcceptFailure(errno: EMFILE))
                    }
                    return Socket.accept(descriptor)
                },
                makeHandler: { _ in EchoHandler() }
            )

            let peer = RecordingHandler()
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in peer }
            client.write(Array("still there".utf8))

            try await peer.record.wait { $0.bytes.count == 11 }
            #expect(listener.acceptFailureCount == 3)

            client.close()
            listener.close()
        }
    }

    @Test("a connect that gets no answer times out")
    func connectTimesOut() async throws {
        // A listening socket nobody accepts from, its one-slot accept queue filled:
        // the kernel then drops further SYNs, so the next connect hangs.
        let listener = try Socket.makeTCP(domain: AF_INET)
        defer { close(listener) }
        let bound = SocketAddress(ipAddress: "127.0.0.1", port: 0)!.withSockAddr { bind(listener, $0, $1) }
        #expect(bound == 0)
        #expect(listen(listener, 0) == 0)
        let port = try #require(Socket.localAddress(listener)).port

        let deadline = MonotonicTime.now().advanced(by: .seconds(5))
        let filler = try await ThreadLauncher.runBlocking(name: "test-fill") {
            try BlockingSocket.connect(host: "127.0.0.1", port: port, deadline: deadline).detach()
        }
        defer { close(filler) }

        try await withLoopGroup(loops: 1) { group in
            let started = MonotonicTime.now()
            let error = await #expect(throws: NetworkError.self) {
                try await TCPClient.connect(
                    host: "127.0.0.1",
                    port: port,
                    timeout: .milliseconds(300),
                    on: group.next()
                ) { _ in EchoHandler() }
            }

            #expect(error?.code == .timedOut)
            #expect(started.nanoseconds(until: MonotonicTime.now()) >= 250_000_000)
        }
    }

    @Test("an idle timeout closes a connection with no traffic either way")
    func idleTimeoutCloses() async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
            var configuration = TCPConnection.Configuration()
            configuration.idleTimeout = .seconds(1)  // long enough for the echo to come back on a loaded machine

            let peer = RecordingHandler()
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next(),
                configuration: configuration
            ) { _ in peer }
            client.write([1, 2, 3])

            let record = try await peer.record.wait { $0.closeReason != nil }
            #expect(record.bytes == [1, 2, 3])
            #expect(record.closeReason?.code == .timedOut)
            listener.close()
        }
    }

    @Test("abort reports the given reason and drops queued output")
    func abortReportsReason() async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
            let peer = RecordingHandler()
            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next()
            ) { _ in peer }

            client.abort(reason: .protocolError("test"))
            let reason = await client.waitUntilClosed()
            #expect(reason.code == .protocolError)
            #expect(try await peer.record.wait { $0.closeReason != nil }.closeReason == reason)
            #expect(!client.write([1]))
            await #expect(throws: NetworkError.self) { try await client.waitUntilWritable() }
            listener.close()
        }
    }

    @Test("a wildcard IPv6 listener reports its port and accepts IPv4 and IPv6 clients")
    func wildcardListener() async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: "::", port: 0, group: group) { _ in EchoHandler() }
            #expect(listener.localAddress.family == .ipv6)

            for host in ["::1", "127.0.0.1"] {
                let peer = RecordingHandler()
                let client = try await TCPClient.connect(
                    host: host,
                    port: listener.localAddress.port,
                    on: group.next()
                ) { _ in peer }
                client.write([42])
                try await peer.record.wait { $0.bytes == [42] }
                client.close()
            }
            listener.close()
        }
    }

    @Test("bad addresses are refused with invalidAddress")
    func badAddresses() {
        #expect(SocketAddress(ipAddress: "300.1.1.1", port: 1) == nil)
        #expect(SocketAddress(ipAddress: "::1", port: 70_000) == nil)
        #expect(SocketAddress(ipAddress: "[::1]", port: 80)?.description == "[::1]:80")

        let error = #expect(throws: NetworkError.self) {
            try SocketAddress.resolveBlocking(host: "host.invalid", port: 80)
        }
        #expect(error?.code == .invalidAddress)
    }
}
