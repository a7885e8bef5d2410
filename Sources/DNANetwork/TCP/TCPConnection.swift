import Glibc
import Synchronization

/// A non-blocking TCP connection registered with one event loop.
///
/// Inbound bytes and lifecycle events go to the connection's
/// ``TCPConnectionHandler`` on the loop thread. Output may be written from
/// any thread: ``write(_:)`` appends to an outbound queue under a lock, and
/// writes that pile up before the loop flushes share one `send` (write
/// coalescing). When nothing is queued, a write from another thread is sent
/// at once from that thread, which spares a loop wake-up; order is kept
/// either way.
///
/// Backpressure: once more than ``Configuration/highWaterMark`` bytes are
/// queued, ``isWritable`` turns false and the handler hears of it;
/// producers can also ``waitUntilWritable()``. Past
/// ``Configuration/maximumOutboundBytes`` the connection is closed.
///
/// - Important: The public methods are callable from any thread unless
///   stated otherwise. Handler callbacks run on ``loop``'s thread.
public final class TCPConnection: @unchecked Sendable {
    // @unchecked: shared mutable state sits behind `outbound`/`closeWatch` (Mutex) or atomics; the remaining
    // vars are confined to `loop`'s thread (see "Loop-confined state" below).

    private struct CloseWatch {
        var reason: TCPCloseReason?
        var waiters: [CheckedContinuation<TCPCloseReason, Never>] = []
    }

    /// The loop whose thread runs this connection's I/O and handler.
    public let loop: EventLoop

    /// The local end, when the kernel reported it.
    public let localAddress: SocketAddress?

    /// The remote end, when the kernel reported it.
    public let remoteAddress: SocketAddress?

    /// The settings this connection was created with.
    public let configuration: Configuration

    let descriptor: Int32
    let outbound: Mutex<OutboundState>
    private let closeWatch = Mutex(CloseWatch())
    private let sendCalls = Atomic<Int>(0)
    private let inlineSendCalls = Atomic<Int>(0)
    private let bytesSent = Atomic<Int>(0)
    private let receiveCalls = Atomic<Int>(0)
    private let bytesReceived = Atomic<Int>(0)

    // MARK: Loop-confined state

    var handler: (any TCPConnectionHandler)?
    var registrationID: UInt64 = 0
    var registeredEvents: UInt32 = 0
    var inbound = ByteBuffer()
    var isReadingPaused = false
    var isClosedOnLoop = false
    var isDraining = false
    var sawEndOfFile = false
    var gracefulCloseReason = TCPCloseReason.localClose
    var deferredCloseReason: TCPCloseReason?
    var lastReadTime = MonotonicTime.now()
    var reportedWritable = true
    var timeoutTask: ScheduledTask?
    var lingerTask: ScheduledTask?

    init(descriptor: Int32, loop: EventLoop, configuration: Configuration) {
        self.descriptor = descriptor
        self.loop = loop
        self.configuration = configuration
        self.localAddress = Socket.localAddress(descriptor)
        self.remoteAddress = Socket.remoteAddress(descriptor)
        self.outbound = Mutex(
            OutboundState(
                highWaterMark: configuration.highWaterMark,
                lowWaterMark: configuration.lowWaterMark,
                maximumBytes: configuration.maximumOutboundBytes,
                coalescingDelay: configuration.coalescingDelay
            )
        )
    }

    // MARK: Writing

    /// Queues `bytes` for sending.
    ///
    /// Bytes from one thread go out in the order written; writes from
    /// several threads interleave whole (a single call is never split by
    /// another). A write may be sent inline from the calling thread when
    /// nothing else is queued (see ``Configuration/allowsInlineWrites``).
    ///
    /// - Parameters:
    ///   - bytes: The bytes to send.
    ///   - inline: Whether the write may be sent from the calling thread when the connection is idle. Pass
    ///     `false` for streams of small messages that nobody waits for: they queue for the loop, which sends
    ///     all that gathered meanwhile in one system call.
    /// - Returns: `false` when the connection is closing or closed and the
    ///   bytes were dropped.
    /// - Important: Callable from any thread; never blocks.
    @discardableResult
    public func write(_ bytes: [UInt8], inline: Bool = true) -> Bool {
        guard !bytes.isEmpty else {
            return true
        }

        let onLoop = loop.inEventLoop
        let mayWriteInline = inline && configuration.allowsInlineWrites && !onLoop
        let (action, becameUnwritable) = outbound.withLock {
            $0.enqueue(bytes, mayWriteInline: mayWriteInline, isUrgent: inline)
        }

        if becameUnwritable {
            reportWritability(onLoop: onLoop)
        }
        return perform(action, bytes: bytes, onLoop: onLoop)
    }

    /// Queues the readable bytes of `buffer` for sending, like ``write(_:)-([UInt8])``.
    ///
    /// - Parameter buffer: The bytes to send.
    /// - Returns: `false` when the bytes were dropped because the connection is closing.
    /// - Important: Callable from any thread; never blocks.
    @discardableResult
    public func write(_ buffer: ByteBuffer) -> Bool {
        write(buffer.bytes)
    }

    /// Whether queued output is below the high-water mark.
    ///
    /// - Important: Callable from any thread; the answer may be stale at once.
    public var isWritable: Bool {
        outbound.withLock { $0.isWritable }
    }

    /// How many bytes are queued or being sent.
    public var queuedOutboundBytes: Int {
        outbound.withLock { $0.queuedBytes }
    }

    /// Suspends until queued output falls below the low-water mark.
    ///
    /// Returns at once when the connection is writable.
    ///
    /// - Throws: ``NetworkError`` with code `closed` when the connection is or
    ///   becomes closed while waiting.
    /// - Important: The wait is not cancellable; it ends when the connection
    ///   drains or closes (idle and read timeouts bound it).
    public func waitUntilWritable() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            switch outbound.withLock({ $0.addWritabilityWaiter(waiter) }) {
            case .some(true):
                waiter.resume()
            case .some(false):
                waiter.resume(throwing: Self.closedError)
            case .none:
                break
            }
        }
    }

    // MARK: Reading

    /// Stops reading from the socket until ``resumeReading()``.
    ///
    /// The kernel's receive buffer then fills and TCP flow control slows the
    /// peer down. Read timeouts do not run while paused.
    ///
    /// - Important: Callable from any thread; takes effect on the loop.
    public func pauseReading() {
        runOnLoop { connection in
            connection.isReadingPaused = true
            connection.syncInterest()
        }
    }

    /// Resumes reading after ``pauseReading()``.
    ///
    /// - Important: Callable from any thread; takes effect on the loop.
    public func resumeReading() {
        runOnLoop { connection in
            guard connection.isReadingPaused else {
                return
            }

            connection.isReadingPaused = false
            connection.lastReadTime = MonotonicTime.now()
            connection.syncInterest()
        }
    }

    // MARK: Closing

    /// Closes gracefully: accepts no more writes, sends what is queued, sends
    /// end of file, waits briefly for the peer's end of file, then closes.
    ///
    /// Bytes that arrive meanwhile are discarded. The whole close is bounded
    /// by ``Configuration/lingerTimeout``. The handler hears
    /// ``TCPCloseReason/localClose``.
    ///
    /// - Important: Callable from any thread.
    public func close() {
        guard outbound.withLock({ $0.beginDraining() }) else {
            return
        }

        runOnLoop { connection in
            connection.beginGracefulClose(reason: .localClose)
        }
    }

    /// Closes at once, dropping queued output.
    ///
    /// - Parameter reason: What the handler and ``waitUntilClosed()`` report;
    ///   use ``TCPCloseReason/protocolError(_:)`` when the peer broke the protocol.
    /// - Important: Callable from any thread.
    public func abort(reason: TCPCloseReason = .localClose) {
        runOnLoop { connection in
            connection.closeOnLoop(reason)
        }
    }

    /// Suspends until the connection has closed.
    ///
    /// - Returns: Why it closed.
    public func waitUntilClosed() async -> TCPCloseReason {
        await withCheckedContinuation { waiter in
            let reason = closeWatch.withLock { watch -> TCPCloseReason? in
                if watch.reason == nil {
                    watch.waiters.append(waiter)
                }
                return watch.reason
            }
            if let reason {
                waiter.resume(returning: reason)
            }
        }
    }

    /// Why the connection closed, or `nil` while it is open.
    public var closeReason: TCPCloseReason? {
        closeWatch.withLock { $0.reason }
    }

    /// Counters of system calls and bytes.
    public var statistics: Statistics {
        Statistics(
            sendCalls: sendCalls.load(ordering: .relaxed),
            inlineSendCalls: inlineSendCalls.load(ordering: .relaxed),
            bytesSent: bytesSent.load(ordering: .relaxed),
            receiveCalls: receiveCalls.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed)
        )
    }

    static let closedError = NetworkError(code: .closed, message: "the connection is closed")

    // MARK: Internals shared with the loop side

    /// Runs `body` on the loop thread: now if already there, else through `execute`.
    func runOnLoop(_ body: @escaping @Sendable (TCPConnection) -> Void) {
        if loop.inEventLoop {
            body(self)
        } else {
            loop.execute { [self] in
                body(self)
            }
        }
    }

    func countReceive(bytes: Int) {
        receiveCalls.add(1, ordering: .relaxed)
        bytesReceived.add(bytes, ordering: .relaxed)
    }

    /// Records the end of the connection for ``waitUntilClosed()`` callers.
    func publishClose(_ reason: TCPCloseReason) {
        let waiters = closeWatch.withLock { watch in
            watch.reason = reason
            defer { watch.waiters = [] }
            return watch.waiters
        }

        for waiter in waiters {
            waiter.resume(returning: reason)
        }
    }

    private func perform(_ action: OutboundState.EnqueueAction, bytes: [UInt8], onLoop: Bool) -> Bool {
        switch action {
        case .none:
            return true

        case .dropped:
            return false

        case .overflow:
            abort(
                reason: TCPCloseReason(
                    code: .outboundLimitExceeded,
                    message: "more than \(configuration.maximumOutboundBytes) bytes queued"
                )
            )
            return false

        case .sendInline:
            let next = drive(OutboundState.Batch(bytes: bytes, isRecyclable: false), inline: true)
            follow(next, onLoop: false)
            return true

        case .scheduleFlush:
            if onLoop {
                loop.flushAtEndOfTick(self)
            } else {
                loop.execute { [self] in
                    flushOnLoop()
                }
            }
            return true

        case .scheduleDelayedFlush:
            scheduleDelayedFlush()
            return true
        }
    }

    /// Sends `first`, then batches queued meanwhile, while holding the flusher role.
    ///
    /// - Returns: The step left for the loop (or for the caller's thread to pass on).
    func drive(_ first: OutboundState.Batch, inline: Bool) -> OutboundState.FlushNext {
        var batch = first
        var rounds = 0

        while true {
            let (sent, status) = sendAll(batch.bytes, inline: inline)
            rounds += 1
            if batch.isUrgent && sent > 0 {
                loop.expectAnswer()
            }

            let (next, becameWritable, waiters) = outbound.withLock {
                $0.finishFlush(batch, sent: sent, status: status, mayContinue: rounds < 4)
            }
            for waiter in waiters {
                waiter.resume()
            }
            if becameWritable {
                reportWritability(onLoop: !inline)
            }

            guard case .continueWith(let nextBatch) = next else {
                return next
            }
            batch = nextBatch
        }
    }

    /// Applies a flush's next step; off the loop, steps needing the loop are sent there.
    func follow(_ next: OutboundState.FlushNext, onLoop: Bool) {
        switch next {
        case .idle, .continueWith:
            return

        case .scheduleLoopFlush:
            loop.execute { [self] in
                flushOnLoop()
            }

        case .scheduleDelayedFlush:
            scheduleDelayedFlush()

        default:
            if onLoop {
                finishFlushOnLoop(next)
            } else {
                loop.execute { [self] in
                    finishFlushOnLoop(next)
                }
            }
        }
    }

    /// Flushes once the coalescing delay has passed; lazy writes queued meanwhile share the system call.
    private func scheduleDelayedFlush() {
        loop.scheduleTask(in: configuration.coalescingDelay) { [self] in
            flushOnLoop(delayed: true)
        }
    }

    /// Tells the handler, on the loop, about the current writability if it changed
    /// since last reported; calls from several threads therefore cannot reorder.
    private func reportWritability(onLoop: Bool) {
        guard onLoop else {
            loop.execute { [self] in
                reportWritability(onLoop: true)
            }
            return
        }

        let current = outbound.withLock { $0.isWritable }
        guard current != reportedWritable, !isClosedOnLoop else {
            return
        }

        reportedWritable = current
        handler?.connection(self, didChangeWritability: current)
    }

    private func sendAll(_ bytes: [UInt8], inline: Bool) -> (Int, OutboundState.SendStatus) {
        var sent = 0

        return bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let result = Socket.send(descriptor, UnsafeRawBufferPointer(rebasing: raw[sent...]))
                sendCalls.add(1, ordering: .relaxed)
                if inline {
                    inlineSendCalls.add(1, ordering: .relaxed)
                }

                switch result {
                case .transferred(let count):
                    sent += count
                    bytesSent.add(count, ordering: .relaxed)
                case .wouldBlock:
                    return (sent, .wouldBlock)
                case .failed(let code):
                    return (sent, .failed(code))
                case .endOfFile:
                    return (sent, .failed(EPIPE))
                }
            }
            return (sent, .complete)
        }
    }
}
