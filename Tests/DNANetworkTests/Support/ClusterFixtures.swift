import Glibc
import Synchronization

@testable import DNANetwork

/// A configuration with test-friendly timeouts.
func clusterConfiguration(
    node: String,
    cluster: String = "test-cluster",
    secret: String = "correct horse battery staple"
) -> ClusterTransport.Configuration {
    var configuration = ClusterTransport.Configuration(clusterName: cluster, nodeID: node, secret: Array(secret.utf8))
    configuration.connectTimeout = .seconds(5)
    configuration.handshakeTimeout = .seconds(5)
    return configuration
}

/// Records what a transport's incoming handler receives.
final class IncomingLog: Sendable {
    struct Entry: Sendable {
        var peer: String
        var payload: [UInt8]
        var expectedReply: Bool
    }

    let entries = Watched([Entry]())

    func record(_ message: ClusterTransport.IncomingMessage) {
        let entry = Entry(peer: message.peerNodeID, payload: message.payload, expectedReply: message.expectsReply)
        entries.update { $0.append(entry) }
    }
}

/// Starts a transport listening on 127.0.0.1 port 0.
func startTransport(
    _ configuration: ClusterTransport.Configuration,
    group: EventLoopGroup,
    handler: @escaping ClusterTransport.IncomingHandler = { $0.reply($0.payload) }
) async throws -> (ClusterTransport, PeerAddress) {
    let transport = ClusterTransport(configuration: configuration, group: group, handler: handler)
    let address = try await transport.start(listen: PeerAddress(host: "127.0.0.1", port: 0))
    return (transport, address)
}

/// A port on 127.0.0.1 that nothing listens on, held by a socket bound without listening: connections to it
/// are refused, and no test running in parallel can take it, as it could a port bound once and closed.
final class ReservedPort {
    let port: Int
    private var descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard descriptor >= 0, bound else {
            throw NetworkError(code: .bindFailed, message: "cannot reserve a port", systemErrno: errno)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port, for a listener to bind at once.
    func release() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}

/// A cluster peer that completes the handshake as acceptor and then stops
/// reading, to test what a transport does when a peer stops reading.
final class StalledPeer: TCPConnectionHandler {
    /// Receives the stalled connection once the handshake is done; resume reading on it to unstall.
    private let stalled: Watched<TCPConnection?>
    private var handshake: ClusterHandshake
    private let decoder = LengthPrefixedFrameDecoder(maximumFrameLength: 4096)

    init(configuration: ClusterTransport.Configuration, stalled: Watched<TCPConnection?> = Watched(nil)) {
        self.stalled = stalled
        handshake = ClusterHandshake(
            role: .acceptor,
            cluster: configuration.clusterName,
            nodeID: configuration.nodeID,
            authenticator: HMACSHA256(key: configuration.secret)
        )
    }

    func connectionDidBecomeActive(_ connection: TCPConnection) {
        connection.writeFrame(handshake.hello())
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        while !handshake.isEstablished, let frame = try? decoder.nextFrame(from: &buffer) {
            switch try? handshake.receive(frame) {
            case .send(let body):
                connection.writeFrame(body)
            case .established:
                connection.pauseReading()
                stalled.update { $0 = connection }
            case nil:
                connection.abort()
            }
        }
    }
}
