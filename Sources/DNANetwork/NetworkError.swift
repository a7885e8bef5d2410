/// An error raised by DNANetwork.
///
/// Callers branch on ``code``, which tells apart a timeout, a closed
/// connection, input that was too large or malformed, and failures of the
/// operating system. New codes may be added, so a `switch` over codes needs a
/// default branch. ``message`` is for people and may change between versions.
public struct NetworkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, comparable with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// An operation did not finish before its deadline.
        public static let timedOut = Code("timedOut")

        /// The connection or listener was already closed.
        public static let closed = Code("closed")

        /// Input exceeded a configured bound (frame, request or body size).
        public static let tooLarge = Code("tooLarge")

        /// Input did not follow the expected wire format.
        public static let malformed = Code("malformed")

        /// A connection could not be established (refused, unreachable).
        public static let connectionFailed = Code("connectionFailed")

        /// A host name or address could not be parsed or resolved.
        public static let invalidAddress = Code("invalidAddress")

        /// A listener could not bind or listen on the requested address.
        public static let bindFailed = Code("bindFailed")

        /// The event loop that should run the operation has shut down.
        public static let loopShutDown = Code("loopShutDown")

        /// A system call failed; ``NetworkError/systemErrno`` holds `errno`.
        public static let systemCallFailed = Code("systemCallFailed")

        public var description: String {
            name
        }
    }

    /// The kind of failure.
    public let code: Code

    /// A human-readable explanation; carries no payload data.
    public let message: String

    /// The `errno` value of the failed system call, when one caused the error.
    public let systemErrno: Int32?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A human-readable explanation.
    ///   - systemErrno: The `errno` value behind the failure, if any.
    public init(code: Code, message: String, systemErrno: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemErrno = systemErrno
    }

    public var description: String {
        if let systemErrno {
            return "NetworkError.\(code): \(message) (errno \(systemErrno))"
        }
        return "NetworkError.\(code): \(message)"
    }
}
