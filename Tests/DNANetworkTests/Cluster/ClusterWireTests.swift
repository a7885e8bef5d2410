import Testing

@testable import DNANetwork

@Suite("Cluster wire format, handshake and back-off without sockets", .timeLimit(.minutes(1)))
struct ClusterWireTests {
    private let secret = HMACSHA256(key: Array("secret".utf8))

    @Test("HMAC-SHA256 matches RFC 4231 test case 2 and rejects a changed tag")
    func hmacVector() {
        let hmac = HMACSHA256(key: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        let tag = hmac.tag(for: message)

        let hex = tag.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hmac.isValid(tag, for: message))

        var changed = tag
        changed[31] ^= 1
        #expect(!hmac.isValid(changed, for: message))
        #expect(!hmac.isValid(Array(tag.prefix(31)), for: message))
    }

    @Test("frames round-trip through encoding and decoding")
    func frameRoundTrip() throws {
        let frames: [ClusterFrame] = [
            .request(id: 1 << 40 | 7, payload: [1, 2, 3]),
            .reply(id: .max, payload: []),
            .replyRefused(id: 9),
            .oneWay(payload: Array(repeating: 0xAB, count: 300)),
        ]

        for frame in frames {
            var buffer = ByteBuffer(bytes: frame.encoded())
            let body = try #require(try LengthPrefixedFrameDecoder().nextFrame(from: &buffer))
            #expect(try ClusterFrame.decode(body) == frame)
            #expect(buffer.isEmpty)
        }
        #expect(throws: NetworkError.self) { try ClusterFrame.decode(ByteBuffer(bytes: [0x7F])) }
        #expect(throws: NetworkError.self) { try ClusterFrame.decode(ByteBuffer(bytes: [0x10, 1, 2])) }
    }

    @Test("two ends with the same secret establish and learn each other's node id")
    func handshakeSucceeds() throws {
        var initiator = ClusterHandshake(role: .initiator, cluster: "c", nodeID: "node-a", authenticator: secret)
        var acceptor = ClusterHandshake(role: .acceptor, cluster: "c", nodeID: "node-b", authenticator: secret)

        let proofFromAcceptor = try acceptor.receive(ByteBuffer(bytes: initiator.hello()))
        let proofFromInitiator = try initiator.receive(ByteBuffer(bytes: acceptor.hello()))
        guard case .send(let toInitiator) = proofFromAcceptor, case .send(let toAcceptor) = proofFromInitiator else {
            Issue.record("a hello was not answered with a proof")
            return
        }

        #expect(try initiator.receive(ByteBuffer(bytes: toInitiator)) == .established(peerNodeID: "node-b"))
        #expect(try acceptor.receive(ByteBuffer(bytes: toAcceptor)) == .established(peerNodeID: "node-a"))
    }

    @Test("a wrong secret, another cluster, a reflected hello or a proof out of order fail the handshake")
    func handshakeFailures() throws {
        var initiator = ClusterHandshake(role: .initiator, cluster: "c", nodeID: "a", authenticator: secret)
        let impostorKey = HMACSHA256(key: Array("guess".utf8))
        var impostor = ClusterHandshake(role: .acceptor, cluster: "c", nodeID: "b", authenticator: impostorKey)
        _ = try impostor.receive(ByteBuffer(bytes: initiator.hello()))
        guard case .send(let badProof) = try initiator.receive(ByteBuffer(bytes: impostor.hello())) else {
            Issue.record("no proof")
            return
        }
        let wrongSecret = #expect(throws: NetworkError.self) { try impostor.receive(ByteBuffer(bytes: badProof)) }
        #expect(wrongSecret?.code == .connectionFailed)

        var stranger = ClusterHandshake(role: .acceptor, cluster: "other", nodeID: "x", authenticator: secret)
        #expect(throws: NetworkError.self) { try stranger.receive(ByteBuffer(bytes: initiator.hello())) }

        var mirror = ClusterHandshake(role: .initiator, cluster: "c", nodeID: "m", authenticator: secret)
        let reflected = #expect(throws: NetworkError.self) { try mirror.receive(ByteBuffer(bytes: mirror.hello())) }
        #expect(reflected?.code == .malformed)

        var early = ClusterHandshake(role: .acceptor, cluster: "c", nodeID: "e", authenticator: secret)
        #expect(throws: NetworkError.self) { try early.receive(ByteBuffer(bytes: badProof)) }
    }

    @Test("reconnect back-off doubles up to its maximum and resets after a success")
    func backoff() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(500))
        #expect(backoff.recordFailure() == .milliseconds(100))
        #expect(backoff.recordFailure() == .milliseconds(200))
        #expect(backoff.recordFailure() == .milliseconds(400))
        #expect(backoff.recordFailure() == .milliseconds(500))
        for _ in 0..<100 {
            _ = backoff.recordFailure()
        }
        #expect(backoff.recordFailure() == .milliseconds(500))

        backoff.recordSuccess()
        #expect(backoff.recordFailure() == .milliseconds(100))
    }

    @Test("peer addresses parse host:port and bracketed IPv6")
    func peerAddresses() {
        #expect(PeerAddress("10.0.0.1:7000") == PeerAddress(host: "10.0.0.1", port: 7000))
        #expect(PeerAddress("[::1]:80") == PeerAddress(host: "::1", port: 80))
        #expect(PeerAddress(host: "::1", port: 80).description == "[::1]:80")
        #expect(PeerAddress("nohost") == nil)
        #expect(PeerAddress(":80") == nil)
        #expect(PeerAddress("h:70000") == nil)
    }
}
