import Glibc

@testable import DNA
@testable import DNANetwork

/// A hand-driven peer on a node's cluster transport port, for sending what a real peer would not.
///
/// - Important: Every method blocks the calling thread: run the whole exchange in ``session(port:within:_:)``,
///   which gives it a thread of its own.
final class RawClusterPeer {
    private let socket: BlockingSocket
    private let deadline: MonotonicTime
    private var received = ByteBuffer()

    private init(socket: BlockingSocket, deadline: MonotonicTime) {
        self.socket = socket
        self.deadline = deadline
    }

    /// Connects to `127.0.0.1:port` and runs `body` on a dedicated thread; every wait ends by `within`.
    static func session<Result: Sendable>(
        port: Int,
        within timeout: Duration = .seconds(20),
        _ body: @escaping @Sendable (RawClusterPeer) throws -> Result
    ) async throws -> Result {
        try await ThreadLauncher.runBlocking(name: "dna-raw-peer") {
            let deadline = MonotonicTime.now().advanced(by: timeout)
            let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port, deadline: deadline)
            defer { socket.close() }
            return try body(RawClusterPeer(socket: socket, deadline: deadline))
        }
    }

    /// Sends raw bytes.
    func send(_ bytes: [UInt8]) throws {
        try socket.send(bytes, deadline: deadline)
    }

    /// Sends `body` behind its 4-byte length.
    func sendFrame(_ body: [UInt8]) throws {
        var bytes: [UInt8] = []
        appendBigEndian(UInt32(body.count), to: &bytes)
        try send(bytes + body)
    }

    /// The body of the next frame from the node.
    func receiveFrame() throws -> ByteBuffer {
        let decoder = LengthPrefixedFrameDecoder(maximumFrameLength: 32 << 20)
        while true {
            if let frame = try decoder.nextFrame(from: &received) {
                return frame
            }
            let chunk = try socket.receive(deadline: deadline)
            guard !chunk.isEmpty else {
                throw NetworkError(code: .closed, message: "the node closed the connection")
            }
            received.append(contentsOf: chunk)
        }
    }

    /// Runs the handshake as the connecting side, as a node of `cluster` knowing `secret` would.
    ///
    /// - Throws: When the node refuses the proof or closes the connection.
    func handshake(cluster: String, secret: [UInt8], nodeID: String = "raw-peer") throws {
        var handshake = ClusterHandshake(
            role: .initiator,
            cluster: cluster,
            nodeID: nodeID,
            authenticator: HMACSHA256(key: secret)
        )
        try sendFrame(handshake.hello())
        while !handshake.isEstablished {
            if case .send(let body) = try handshake.receive(try receiveFrame()) {
                try sendFrame(body)
            }
        }
    }

    /// Sends a request frame carrying `payload`.
    func request(id: UInt64, _ payload: [UInt8]) throws {
        try send(ClusterFrame.request(id: id, payload: payload).encoded())
    }

    /// Reads the reply to the request `id` and decodes DNA's answer in it.
    func reply(to id: UInt64) throws -> ClusterReply? {
        while true {
            let frame = try ClusterFrame.decode(try receiveFrame())
            if case .reply(let replyID, let payload) = frame, replyID == id {
                return ClusterReply(decoding: payload)
            }
        }
    }

    /// Reads and drops everything until the node closes the connection; `false` if it is still open at the
    /// deadline.
    func waitUntilClosed() -> Bool {
        while true {
            do {
                if try socket.receive(deadline: deadline).isEmpty {
                    return true
                }
            } catch {
                // A reset is a close too; only the deadline is not.
                return error.code != .timedOut
            }
        }
    }

    /// Without reading anything, tells whether the node has closed the connection: a small one-way frame is
    /// sent every few milliseconds until a send fails or the socket reports a reset, or `false` at the deadline.
    ///
    /// Reading would drain what the node has queued, which is what a peer that stops reading must not do.
    func waitUntilClosedWithoutReading() -> Bool {
        let ping = ClusterFrame.oneWay(payload: [0xFF]).encoded()
        while MonotonicTime.now() < deadline {
            do {
                try send(ping)
            } catch {
                return true
            }
            var entry = pollfd(fd: socket.descriptor, events: Int16(POLLOUT), revents: 0)
            if poll(&entry, 1, 20) > 0, entry.revents & Int16(POLLERR | POLLHUP) != 0 {
                return true
            }
        }
        return false
    }

    /// Makes the kernel keep only a few kilobytes unread on this side, so that what the node sends piles up in
    /// the node's own queue.
    func shrinkReceiveBuffer() {
        Socket.setOption(socket.descriptor, level: SOL_SOCKET, name: SO_RCVBUF, value: 4_096)
    }
}
