/// The 9-byte header of every frame (§2): version and direction, flags, stream id, opcode, body length.
public struct CQLFrameHeader: Sendable, Hashable {
    /// The size of an encoded header.
    public static let size = 9

    /// The protocol version this client speaks.
    public static let protocolVersion: UInt8 = 4

    /// Bodies larger than this are refused (the specification's limit of 256 MiB).
    public static let maximumBodyLength = 256 << 20

    /// Frame flags (§2.2).
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8

        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// The body is compressed with the negotiated algorithm.
        public static let compression = Flags(rawValue: 0x01)
        /// Tracing was asked for; a response then starts with a tracing session id.
        public static let tracing = Flags(rawValue: 0x02)
        /// The body starts with a custom payload (`[bytes map]`).
        public static let customPayload = Flags(rawValue: 0x04)
        /// A response body starts with warnings (`[string list]`).
        public static let warning = Flags(rawValue: 0x08)
    }

    /// Whether the frame goes from server to client.
    public var isResponse: Bool
    public var flags: Flags
    /// The stream id: the client's request number, or -1 for an event the server pushes.
    public var stream: Int16
    public var opcode: CQLOpcode
    public var bodyLength: Int

    public init(isResponse: Bool, flags: Flags = [], stream: Int16, opcode: CQLOpcode, bodyLength: Int) {
        self.isResponse = isResponse
        self.flags = flags
        self.stream = stream
        self.opcode = opcode
        self.bodyLength = bodyLength
    }

    /// Appends the encoded header.
    func encode(into writer: inout WireWriter) {
        writer.writeByte((isResponse ? 0x80 : 0x00) | Self.protocolVersion)
        writer.writeByte(flags.rawValue)
        writer.writeShort(UInt16(bitPattern: stream))
        writer.writeByte(opcode.rawValue)
        writer.writeInt(Int32(truncatingIfNeeded: bodyLength))
    }

    /// Decodes a header from the first nine bytes of `bytes`.
    ///
    /// - Returns: `nil` when fewer than nine bytes are there.
    /// - Throws: ``CQLClientError/Code/protocolViolation`` for another protocol version or a body length out of
    ///   bounds.
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes
    ) throws(CQLClientError) -> CQLFrameHeader? where Bytes.Index == Int {
        guard bytes.count >= size else {
            return nil
        }
        let base = bytes.startIndex
        let versionByte = bytes[base]
        guard versionByte & 0x7F == protocolVersion else {
            throw CQLClientError(
                .protocolViolation,
                "a frame of protocol version \(versionByte & 0x7F) arrived; this client speaks version 4"
            )
        }
        let stream = Int16(bitPattern: UInt16(bytes[base + 2]) << 8 | UInt16(bytes[base + 3]))
        var length: UInt32 = 0
        for index in base + 5..<base + 9 {
            length = length << 8 | UInt32(bytes[index])
        }
        guard length <= UInt32(maximumBodyLength) else {
            throw CQLClientError(.protocolViolation, "a frame announces a body of \(length) bytes")
        }
        return CQLFrameHeader(
            isResponse: versionByte & 0x80 != 0,
            flags: Flags(rawValue: bytes[base + 1]),
            stream: stream,
            opcode: CQLOpcode(rawValue: bytes[base + 4]),
            bodyLength: Int(length)
        )
    }
}
