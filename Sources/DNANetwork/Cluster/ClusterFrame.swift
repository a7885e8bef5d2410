/// The frames cluster nodes exchange after the handshake, and their encoding.
///
/// Every frame is a 4-byte big-endian length, then a kind byte, then the
/// kind's fields. Request ids are 64-bit and chosen by the requester; a reply
/// carries the id of its request, which is what lets many requests share one
/// connection.
enum ClusterFrame: Equatable {
    /// A request that expects a ``reply(id:payload:)`` with the same id.
    case request(id: UInt64, payload: [UInt8])

    /// The answer to a request.
    case reply(id: UInt64, payload: [UInt8])

    /// The answer to a request whose reply was refused by the responder (it
    /// exceeded the maximum frame size), so the requester need not time out.
    case replyRefused(id: UInt64)

    /// A message that expects no answer (a cast).
    case oneWay(payload: [UInt8])

    enum Kind: UInt8 {
        case hello = 0x01
        case proof = 0x02
        case request = 0x10
        case reply = 0x11
        case replyRefused = 0x12
        case oneWay = 0x13
    }

    /// The bytes a frame adds to its payload: kind and id.
    static let overhead = 1 + 8

    /// Encodes the frame, length prefix included, in one array so that it is
    /// queued as one write.
    func encoded() -> [UInt8] {
        switch self {
        case .request(let id, let payload):
            return Self.encode(.request, id: id, payload: payload)
        case .reply(let id, let payload):
            return Self.encode(.reply, id: id, payload: payload)
        case .replyRefused(let id):
            return Self.encode(.replyRefused, id: id, payload: [])
        case .oneWay(let payload):
            return Self.encode(.oneWay, id: nil, payload: payload)
        }
    }

    /// Decodes one frame's body (the bytes after the length prefix).
    ///
    /// - Throws: ``NetworkError`` with code `malformed` for an unknown kind, a
    ///   handshake frame after the handshake, or a truncated id.
    static func decode(_ body: ByteBuffer) throws(NetworkError) -> ClusterFrame {
        var body = body
        guard let kindByte = body.readBytes(1)?.first, let kind = Kind(rawValue: kindByte) else {
            throw NetworkError(code: .malformed, message: "unknown cluster frame kind")
        }

        switch kind {
        case .request:
            return .request(id: try readID(&body), payload: body.bytes)
        case .reply:
            return .reply(id: try readID(&body), payload: body.bytes)
        case .replyRefused:
            return .replyRefused(id: try readID(&body))
        case .oneWay:
            return .oneWay(payload: body.bytes)
        case .hello, .proof:
            throw NetworkError(code: .malformed, message: "handshake frame after the handshake")
        }
    }

    /// Encodes a one-way frame whose payload is `prefix` followed by `payload`, without joining them first.
    static func oneWay(prefix: [UInt8], payload: [UInt8]) -> [UInt8] {
        encode(.oneWay, id: nil, payload: payload, prefix: prefix)
    }

    private static func encode(_ kind: Kind, id: UInt64?, payload: [UInt8], prefix: [UInt8] = []) -> [UInt8] {
        let bodyLength = 1 + (id == nil ? 0 : 8) + prefix.count + payload.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(LengthPrefixedFrameDecoder.prefixLength + bodyLength)

        appendBigEndian(UInt32(bodyLength), to: &bytes)
        bytes.append(kind.rawValue)
        if let id {
            appendBigEndian(id, to: &bytes)
        }
        bytes.append(contentsOf: prefix)
        bytes.append(contentsOf: payload)
        return bytes
    }

    private static func readID(_ body: inout ByteBuffer) throws(NetworkError) -> UInt64 {
        guard let bytes = body.readBytes(8) else {
            throw NetworkError(code: .malformed, message: "truncated request id")
        }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Appends `value` in big-endian byte order.
func appendBigEndian<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
    var shift = Value.bitWidth - 8
    while shift >= 0 {
        bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        shift -= 8
    }
}
