/// Receives the frames of a connection whose bytes are length-prefixed frames.
///
/// - Important: Called on the connection's loop thread; must not block.
public protocol FrameReceiver: AnyObject {
    /// The connection is ready; called once, first.
    ///
    /// - Parameter connection: The connection.
    func connectionDidBecomeActive(_ connection: TCPConnection)

    /// A complete frame arrived.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - frame: The payload, without its length prefix.
    func connection(_ connection: TCPConnection, didReceiveFrame frame: ByteBuffer)

    /// Queued output crossed a water mark; see ``TCPConnectionHandler``.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - isWritable: Whether producers should go on writing.
    func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool)

    /// The connection closed; called once, last.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - reason: Why; ``TCPCloseReason/Code/protocolError`` for a bad frame.
    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason)
}

extension FrameReceiver {
    /// Does nothing.
    public func connectionDidBecomeActive(_ connection: TCPConnection) {}

    /// Does nothing.
    public func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool) {}

    /// Does nothing.
    public func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {}
}

/// A connection handler that cuts the byte stream into length-prefixed frames
/// and hands each to a ``FrameReceiver``.
///
/// A frame whose prefix is oversized or malformed aborts that connection with
/// ``TCPCloseReason/Code/protocolError``; other connections are unaffected.
public final class FrameDecodingHandler: TCPConnectionHandler {
    private let decoder: LengthPrefixedFrameDecoder
    private let receiver: any FrameReceiver

    /// Creates the handler.
    ///
    /// - Parameters:
    ///   - decoder: The frame rules (maximum length, empty frames).
    ///   - receiver: Gets each frame.
    public init(decoder: LengthPrefixedFrameDecoder = .init(), receiver: any FrameReceiver) {
        self.decoder = decoder
        self.receiver = receiver
    }

    public func connectionDidBecomeActive(_ connection: TCPConnection) {
        receiver.connectionDidBecomeActive(connection)
    }

    public func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        do {
            while connection.acceptsInput, let frame = try decoder.nextFrame(from: &buffer) {
                receiver.connection(connection, didReceiveFrame: frame)
            }
        } catch {
            buffer.clear()
            connection.abort(reason: .protocolError(error.message))
        }
    }

    public func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool) {
        receiver.connection(connection, didChangeWritability: isWritable)
    }

    public func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        receiver.connection(connection, didCloseWith: reason)
    }
}
