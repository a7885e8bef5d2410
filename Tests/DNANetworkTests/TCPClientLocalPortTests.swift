import Testing

@testable import DNANetwork

@Suite struct TCPClientLocalPortTests {
    @Test("a connect binds the local port asked for, and a port in use fails with bindFailed")
    func localPortIsBound() async throws {
        try await withLoopGroup { group in
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }

            // The kernel picks a free port for a throwaway listener; once it is closed the port is free to bind.
            let probe = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
            let chosen = probe.localAddress.port
            probe.close()
            await probe.waitUntilClosed()

            let client = try await TCPClient.connect(
                host: "127.0.0.1",
                port: listener.localAddress.port,
                on: group.next(),
                localPort: chosen
            ) { _ in RecordingHandler() }
            #expect(client.localAddress?.port == chosen)

            await #expect {
                try await TCPClient.connect(
                    host: "127.0.0.1",
                    port: listener.localAddress.port,
                    on: group.next(),
                    localPort: chosen
                ) { _ in RecordingHandler() }
            } throws: { error in
                (error as? NetworkError)?.code == .bindFailed
            }

            client.close()
            _ = await client.waitUntilClosed()
            listener.close()
        }
    }
}
