extension TCPConnection {
    /// Tuning of one connection: backpressure, timeouts and write strategy.
    public struct Configuration: Sendable {
        /// Queued output above which the connection reports itself unwritable.
        public var highWaterMark: Int = 1 << 20

        /// Queued output below which an unwritable connection becomes writable again.
        public var lowWaterMark: Int = 256 << 10

        /// Queued output above which the connection is closed with
        /// ``TCPCloseReason/Code/outboundLimitExceeded``, so that a peer that
        /// stops reading cannot grow memory without bound even when producers
        /// ignore backpressure.
        public var maximumOutboundBytes: Int = 64 << 20

        /// Closes the connection when nothing has been read for this long
        /// (time spent with reading paused does not count). `nil` disables it.
        public var readTimeout: Duration?

        /// Closes the connection when nothing has been read or sent for this
        /// long. `nil` disables it.
        public var idleTimeout: Duration?

        /// After ``TCPConnection/close()``, how long to wait for queued output
        /// to drain and for the peer's end of file before closing anyway.
        public var lingerTimeout: Duration = .seconds(2)

        /// Whether ``TCPConnection/write(_:)`` called off the loop thread may
        /// send at once from the caller's thread when nothing is queued.
        ///
        /// This saves a loop wake-up per message on request/response traffic.
        /// Turn it off to make every write go through the loop.
        public var allowsInlineWrites = true

        /// How long a lazy write (``TCPConnection/write(_:inline:)`` with `inline: false`) waits for the
        /// writes that follow it while the connection is sending a stream, so that they share one system call
        /// and one wake-up of the peer. The first lazy write after a quiet spell of this length, and every
        /// urgent write, go out at once. Zero, the default, never waits.
        public var coalescingDelay: Duration = .zero

        /// Creates the default configuration.
        public init() {}
    }

    /// Counters of one connection's system calls and bytes, for tests and
    /// benchmarks.
    public struct Statistics: Sendable, Hashable {
        /// `send` system calls made, inline and from the loop.
        public var sendCalls: Int

        /// Of ``sendCalls``, those made inline from a writer's thread.
        public var inlineSendCalls: Int

        /// Bytes accepted by the kernel.
        public var bytesSent: Int

        /// `recv` system calls that returned data.
        public var receiveCalls: Int

        /// Bytes received.
        public var bytesReceived: Int
    }
}
