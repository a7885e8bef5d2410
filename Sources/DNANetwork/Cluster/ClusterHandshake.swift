/// The handshake that opens every cluster connection, as a state machine with
/// no I/O so that tests can drive it directly.
///
/// Both ends send a hello at once (magic, protocol version, role, a fresh
/// nonce, cluster name, node id). On the peer's hello each end sends a proof:
/// an HMAC-SHA256, keyed with the cluster secret, over both nonces, both node
/// ids, the cluster name and the prover's role. A valid proof from the peer
/// completes the handshake. The secret never crosses the wire; the fresh
/// nonces stop replays, and the role byte stops a peer from reflecting one
/// end's proof back to it.
struct ClusterHandshake {
    /// Which end of the TCP connection this side is.
    enum Role: UInt8 {
        case initiator = 0
        case acceptor = 1
    }

    /// What the connection should do after a frame was accepted.
    enum Outcome: Equatable {
        /// Send this frame body (length prefix not included).
        case send([UInt8])

        /// The peer proved itself; it is the node with this id.
        case established(peerNodeID: String)
    }

    /// The protocol version this build speaks.
    static let version: UInt16 = 1

    /// The largest handshake frame accepted, far below the normal frame limit
    /// so that an unauthenticated peer cannot make the node buffer much.
    static let maximumFrameLength = 1024

    static let nonceLength = 32
    private static let magic: [UInt8] = Array("DNAC".utf8)
    private static let proofLabel: [UInt8] = Array("dna-cluster-proof-v1".utf8)

    private enum Step {
        case awaitingHello
        case awaitingProof(peerNodeID: String, peerNonce: [UInt8])
        case established
    }

    let role: Role
    let cluster: String
    let nodeID: String
    private let authenticator: HMACSHA256
    private let nonce: [UInt8]
    private var step = Step.awaitingHello

    /// Creates one end of a handshake.
    ///
    /// - Parameters:
    ///   - role: Whether this side connected (initiator) or accepted.
    ///   - cluster: The cluster name both ends must share.
    ///   - nodeID: This node's id, told to the peer.
    ///   - authenticator: HMAC keyed with the cluster secret.
    ///   - nonce: Fresh random bytes; tests pass fixed ones.
    init(role: Role, cluster: String, nodeID: String, authenticator: HMACSHA256, nonce: [UInt8]? = nil) {
        self.role = role
        self.cluster = cluster
        self.nodeID = nodeID
        self.authenticator = authenticator

        var generator = SystemRandomNumberGenerator()  // getrandom(2): suitable for nonces
        self.nonce = nonce ?? (0..<Self.nonceLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    var isEstablished: Bool {
        if case .established = step {
            return true
        }
        return false
    }

    /// The hello frame body to send first.
    func hello() -> [UInt8] {
        var bytes = [ClusterFrame.Kind.hello.rawValue]
        bytes.append(contentsOf: Self.magic)
        appendBigEndian(Self.version, to: &bytes)
        bytes.append(role.rawValue)
        bytes.append(contentsOf: nonce)
        Self.appendString(cluster, to: &bytes)
        Self.appendString(nodeID, to: &bytes)
        return bytes
    }

    /// Takes the peer's next handshake frame body.
    ///
    /// - Throws: ``NetworkError`` with code `malformed` for anything out of
    ///   order or unparsable, and `connectionFailed` for another cluster,
    ///   version or secret; the connection must then be closed.
    mutating func receive(_ frame: ByteBuffer) throws(NetworkError) -> Outcome {
        var frame = frame
        let kind = frame.readBytes(1)?.first

        switch (step, kind) {
        case (.awaitingHello, ClusterFrame.Kind.hello.rawValue):
            let (peerNodeID, peerNonce) = try readHello(&frame)
            step = .awaitingProof(peerNodeID: peerNodeID, peerNonce: peerNonce)
            let proof = authenticator.tag(
                for: Self.proofMessage(
                    proverRole: role,
                    proverNonce: nonce,
                    verifierNonce: peerNonce,
                    cluster: cluster,
                    prover: nodeID,
                    verifier: peerNodeID
                )
            )
            return .send([ClusterFrame.Kind.proof.rawValue] + proof)

        case (.awaitingProof(let peerNodeID, let peerNonce), ClusterFrame.Kind.proof.rawValue):
            let expected = Self.proofMessage(
                proverRole: role == .initiator ? .acceptor : .initiator,
                proverNonce: peerNonce,
                verifierNonce: nonce,
                cluster: cluster,
                prover: peerNodeID,
                verifier: nodeID
            )
            guard frame.readableBytes == HMACSHA256.tagLength, authenticator.isValid(frame.bytes, for: expected) else {
                throw NetworkError(code: .connectionFailed, message: "the peer's proof of the cluster secret is wrong")
            }
            step = .established
            return .established(peerNodeID: peerNodeID)

        default:
            throw NetworkError(code: .malformed, message: "unexpected frame during the cluster handshake")
        }
    }

    private func readHello(_ frame: inout ByteBuffer) throws(NetworkError) -> (String, [UInt8]) {
        guard frame.readBytes(Self.magic.count) == Self.magic else {
            throw NetworkError(code: .malformed, message: "not a DNA cluster hello")
        }
        guard let versionBytes = frame.readBytes(2), let roleByte = frame.readBytes(1)?.first,
            let peerNonce = frame.readBytes(Self.nonceLength),
            let peerCluster = Self.readString(&frame), let peerNodeID = Self.readString(&frame), frame.isEmpty
        else {
            throw NetworkError(code: .malformed, message: "truncated cluster hello")
        }

        let peerVersion = UInt16(versionBytes[0]) << 8 | UInt16(versionBytes[1])
        guard peerVersion == Self.version else {
            throw NetworkError(
                code: .connectionFailed,
                message: "the peer speaks protocol version \(peerVersion), this node \(Self.version)"
            )
        }
        guard roleByte != role.rawValue, Role(rawValue: roleByte) != nil else {
            throw NetworkError(code: .malformed, message: "both ends claim the same handshake role")
        }
        guard peerCluster == cluster else {
            throw NetworkError(code: .connectionFailed, message: "the peer belongs to another cluster")
        }
        return (peerNodeID, peerNonce)
    }

    private static func proofMessage(
        proverRole: Role,
        proverNonce: [UInt8],
        verifierNonce: [UInt8],
        cluster: String,
        prover: String,
        verifier: String
    ) -> [UInt8] {
        var message = proofLabel
        message.append(proverRole.rawValue)
        message.append(contentsOf: proverNonce)
        message.append(contentsOf: verifierNonce)
        appendString(cluster, to: &message)
        appendString(prover, to: &message)
        appendString(verifier, to: &message)
        return message
    }

    /// Appends a UTF-8 string with a 2-byte length, truncated to fit.
    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        let utf8 = Array(string.utf8.prefix(255))
        appendBigEndian(UInt16(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    private static func readString(_ frame: inout ByteBuffer) -> String? {
        guard let lengthBytes = frame.readBytes(2) else {
            return nil
        }
        return frame.readString(Int(lengthBytes[0]) << 8 | Int(lengthBytes[1]))
    }
}
