import Glibc

/// Why a connection closed.
///
/// Compare ``code`` to tell the cases apart; new codes may be added.
public struct TCPCloseReason: Hashable, Sendable, CustomStringConvertible {
    /// The kind of close, comparable with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The peer closed its side (read returned end of file).
        public static let endOfFile = Code("endOfFile")

        /// The peer reset the connection, or a send hit a broken pipe.
        public static let reset = Code("reset")

        /// A read or idle timeout expired.
        public static let timedOut = Code("timedOut")

        /// This side called ``TCPConnection/close()`` or ``TCPConnection/abort(reason:)``.
        public static let localClose = Code("localClose")

        /// The bytes received broke the protocol (a bad frame, a malformed request).
        public static let protocolError = Code("protocolError")

        /// More output was queued than ``TCPConnection/Configuration/maximumOutboundBytes`` allows.
        public static let outboundLimitExceeded = Code("outboundLimitExceeded")

        /// The connection's event loop shut down.
        public static let loopShutDown = Code("loopShutDown")

        /// Another I/O error; ``TCPCloseReason/systemErrno`` tells which.
        public static let ioError = Code("ioError")

        public var description: String {
            name
        }
    }

    /// The kind of close.
    public let code: Code

    /// A human-readable explanation.
    public let message: String

    /// The `errno` value behind the close, when a system call reported one.
    public let systemErrno: Int32?

    /// Creates a close reason.
    ///
    /// - Parameters:
    ///   - code: The kind of close.
    ///   - message: A human-readable explanation.
    ///   - systemErrno: The `errno` value behind the close, if any.
    public init(code: Code, message: String, systemErrno: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemErrno = systemErrno
    }

    /// The peer closed its side.
    public static let endOfFile = TCPCloseReason(code: .endOfFile, message: "the peer closed the connection")

    /// This side closed the connection.
    public static let localClose = TCPCloseReason(code: .localClose, message: "closed locally")

    /// A read or idle timeout expired.
    public static let timedOut = TCPCloseReason(code: .timedOut, message: "the connection timed out")

    /// The event loop shut down.
    public static let loopShutDown = TCPCloseReason(code: .loopShutDown, message: "the event loop shut down")

    /// The peer sent bytes that break the protocol.
    ///
    /// - Parameter message: What was wrong, without payload data.
    /// - Returns: A reason with code ``Code/protocolError``.
    public static func protocolError(_ message: String) -> TCPCloseReason {
        TCPCloseReason(code: .protocolError, message: message)
    }

    /// The close caused by a failed system call with `errno` `code`.
    static func systemError(_ code: Int32) -> TCPCloseReason {
        if code == ECONNRESET || code == EPIPE {
            return TCPCloseReason(code: .reset, message: "the peer reset the connection", systemErrno: code)
        }
        if code == ETIMEDOUT {
            return TCPCloseReason(code: .timedOut, message: "the connection timed out", systemErrno: code)
        }
        return TCPCloseReason(code: .ioError, message: Socket.describe(code), systemErrno: code)
    }

    public var description: String {
        "\(code): \(message)"
    }
}
