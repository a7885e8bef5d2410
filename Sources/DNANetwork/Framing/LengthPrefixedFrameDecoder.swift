/// Splits a byte stream into frames of a 4-byte big-endian length followed by
/// that many payload bytes.
///
/// The decoder is a value with no buffer of its own: it reads from the
/// connection's accumulating ``ByteBuffer`` and leaves an incomplete frame
/// there until the rest arrives.
public struct LengthPrefixedFrameDecoder: Sendable {
    /// The size of the length prefix.
    public static let prefixLength = 4

    /// The largest payload accepted; a larger announced length is an error.
    public let maximumFrameLength: Int

    /// Whether a zero-length payload is valid; when not, it is malformed.
    public let allowsEmptyFrames: Bool

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - maximumFrameLength: The largest payload accepted (default 16 MiB).
    ///   - allowsEmptyFrames: Whether zero-length payloads are valid.
    public init(maximumFrameLength: Int = 16 << 20, allowsEmptyFrames: Bool = true) {
        self.maximumFrameLength = maximumFrameLength
        self.allowsEmptyFrames = allowsEmptyFrames
    }

    /// Consumes and returns the next complete frame's payload.
    ///
    /// The length prefix is checked as soon as its four bytes are there, so
    /// an oversized frame is refused before any of its payload is buffered.
    ///
    /// - Parameter buffer: Received bytes; a returned frame is consumed from it.
    /// - Returns: The payload (sharing `buffer`'s storage), or `nil` when more
    ///   bytes are needed.
    /// - Throws: ``NetworkError`` with code `tooLarge` for a length above
    ///   ``maximumFrameLength`` and `malformed` for a forbidden empty frame.
    ///   The stream cannot be resynchronised after either: close the connection.
    public func nextFrame(from buffer: inout ByteBuffer) throws(NetworkError) -> ByteBuffer? {
        guard let announced = buffer.peekUInt32() else {
            return nil
        }

        let length = Int(announced)
        guard length <= maximumFrameLength else {
            throw NetworkError(
                code: .tooLarge,
                message: "frame of \(length) bytes exceeds the maximum of \(maximumFrameLength)"
            )
        }
        guard length > 0 || allowsEmptyFrames else {
            throw NetworkError(code: .malformed, message: "empty frame")
        }
        guard buffer.readableBytes >= Self.prefixLength + length else {
            return nil
        }

        buffer.moveReaderIndex(forwardBy: Self.prefixLength)
        return buffer.readSlice(length)
    }

    /// Encodes `payload` as one frame.
    ///
    /// - Parameter payload: The payload bytes.
    /// - Returns: The length prefix followed by the payload.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= Int(UInt32.max), "frame payload too large for a 32-bit length")

        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefixLength + payload.count)
        let length = UInt32(payload.count)
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(contentsOf: payload)
        return bytes
    }
}

extension TCPConnection {
    /// Writes `payload` as one length-prefixed frame.
    ///
    /// Prefix and payload are queued in one piece, so frames written from
    /// several threads never interleave.
    ///
    /// - Parameter payload: The frame's payload.
    /// - Returns: `false` when the connection is closing and the frame was dropped.
    /// - Important: Callable from any thread.
    @discardableResult
    public func writeFrame(_ payload: [UInt8]) -> Bool {
        write(LengthPrefixedFrameDecoder.frame(payload))
    }
}
