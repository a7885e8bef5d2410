/// The send side of a connection as a state machine, kept under a lock.
///
/// Writers on any thread append here; whoever holds the "flusher" role (the
/// loop thread, or a writer sending inline) takes the queued bytes out as one
/// batch and sends them with one system call, outside the lock. Bytes reach
/// the socket in the order they were queued: a flusher puts any unsent
/// remainder back in front. Each method returns what the caller must do once
/// the lock is released.
struct OutboundState {
    enum Phase {
        /// Accepting writes.
        case open

        /// `close()` was called: no new writes; queued bytes still go out.
        case draining

        /// An immediate close waits for an inline flusher to give the socket back.
        case aborting

        /// The descriptor is closed.
        case closed
    }

    /// Bytes taken out by a flusher.
    struct Batch {
        var bytes: [UInt8]

        /// Whether the storage may be kept for reuse once sent.
        var isRecyclable: Bool

        /// Whether the bytes hold an urgent write: a request or a reply, whose answer may follow soon.
        var isUrgent = true
    }

    /// What the writer must do after ``enqueue(_:mayWriteInline:isUrgent:)``.
    enum EnqueueAction {
        case none
        case dropped
        case overflow
        case sendInline
        case scheduleFlush
        case scheduleDelayedFlush
    }

    /// How a send ended.
    enum SendStatus {
        case complete
        case wouldBlock
        case failed(Int32)
    }

    /// What the flusher must do after ``finishFlush(_:sent:status:mayContinue:)``.
    enum FlushNext {
        case idle
        case continueWith(Batch)
        case scheduleLoopFlush
        case scheduleDelayedFlush
        case armWritable
        case outputDrained
        case deferredClose
        case failed(Int32)
    }

    enum AbortDecision {
        case alreadyClosed
        case deferred
        case proceed([CheckedContinuation<Void, any Error>])
    }

    private static let maximumRecycledCapacity = 256 << 10

    let highWaterMark: Int
    let lowWaterMark: Int
    let maximumBytes: Int

    /// How long lazy writes wait for company while the connection is sending a stream; zero sends at once.
    let coalescingDelay: UInt64

    private(set) var phase = Phase.open
    private(set) var isWritable = true
    private(set) var awaitingWritable = false
    private(set) var lastSendTime = MonotonicTime(nanoseconds: 0)
    private var pending: [UInt8] = []
    private var spare: [UInt8] = []
    private var inFlight = 0
    private var isFlushing = false
    private var isFlushScheduled = false
    private var isDelayedFlushScheduled = false
    /// Whether the pending bytes hold an urgent write, which no delay may hold back.
    private var pendingIsUrgent = false
    private var drainReported = false
    private var writabilityWaiters: [CheckedContinuation<Void, any Error>] = []

    init(highWaterMark: Int, lowWaterMark: Int, maximumBytes: Int, coalescingDelay: Duration = .zero) {
        self.highWaterMark = highWaterMark
        self.lowWaterMark = min(lowWaterMark, highWaterMark)
        self.maximumBytes = max(maximumBytes, highWaterMark)
        self.coalescingDelay = coalescingDelay.clampedNanoseconds
    }

    /// Bytes queued or being sent.
    var queuedBytes: Int {
        pending.count + inFlight
    }

    // MARK: Writers

    /// Queues `bytes`, or hands the caller the flusher role to send them inline.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to send.
    ///   - mayWriteInline: Whether the caller may send them from its own thread.
    ///   - isUrgent: Whether someone waits for them. A lazy write (a one-way message) queued while the
    ///     connection is sending a stream waits up to ``coalescingDelay`` for the writes that follow it.
    /// - Returns: The action, and whether this write crossed the high-water mark.
    mutating func enqueue(
        _ bytes: [UInt8],
        mayWriteInline: Bool,
        isUrgent: Bool = true
    ) -> (EnqueueAction, becameUnwritable: Bool) {
        guard phase == .open else {
            return (.dropped, false)
        }

        let idle = pending.isEmpty && !isFlushing && !isFlushScheduled && !awaitingWritable
        if mayWriteInline && idle {
            isFlushing = true
            inFlight = bytes.count
            return (.sendInline, crossHighWaterIfNeeded())
        }

        pending.append(contentsOf: bytes)
        guard queuedBytes <= maximumBytes else {
            return (.overflow, false)
        }

        let becameUnwritable = crossHighWaterIfNeeded()
        if isUrgent {
            pendingIsUrgent = true
        }
        if isFlushing || awaitingWritable || isFlushScheduled {
            return (.none, becameUnwritable)
        }
        if !isUrgent && coalescingDelay > 0 {
            if isDelayedFlushScheduled {
                return (.none, becameUnwritable)
            }
            // Only a stream waits: the first write after a quiet spell goes out at once.
            if MonotonicTime.now().nanoseconds &- lastSendTime.nanoseconds < coalescingDelay {
                isDelayedFlushScheduled = true
                return (.scheduleDelayedFlush, becameUnwritable)
            }
        }
        isFlushScheduled = true
        return (.scheduleFlush, becameUnwritable)
    }

    /// Registers a producer waiting for writability, unless it need not wait.
    ///
    /// - Returns: `nil` when registered, otherwise whether the connection is open.
    mutating func addWritabilityWaiter(_ waiter: CheckedContinuation<Void, any Error>) -> Bool? {
        guard phase == .open else {
            return false
        }
        guard !isWritable else {
            return true
        }

        writabilityWaiters.append(waiter)
        return nil
    }

    /// `close()`: stop accepting writes, keep sending what is queued.
    ///
    /// - Returns: Whether this call moved the phase from open to draining.
    mutating func beginDraining() -> Bool {
        guard phase == .open else {
            return false
        }

        phase = .draining
        return true
    }

    // MARK: Flushers

    /// Takes the queued bytes for a flush from the loop.
    ///
    /// - Parameters:
    ///   - afterWritable: Whether EPOLLOUT triggered this flush.
    ///   - delayed: Whether the coalescing delay's timer triggered it.
    /// - Returns: The batch, or `nil` when there is nothing to do or another
    ///   thread holds the flusher role (it will deal with the queue).
    mutating func beginLoopFlush(afterWritable: Bool, delayed: Bool = false) -> Batch? {
        if delayed {
            isDelayedFlushScheduled = false
        } else {
            isFlushScheduled = false
        }
        if afterWritable {
            awaitingWritable = false
        }

        guard phase == .open || phase == .draining, !isFlushing, !awaitingWritable, !pending.isEmpty else {
            return nil
        }

        isFlushing = true
        return takePending()
    }

    /// Records the outcome of sending `batch` and picks the next step.
    ///
    /// - Parameters:
    ///   - batch: What was sent.
    ///   - sent: How many of its bytes the kernel took.
    ///   - status: How the send ended.
    ///   - mayContinue: Whether the flusher may take another batch now.
    /// - Returns: The next step, whether the connection became writable again,
    ///   and producers to resume.
    mutating func finishFlush(
        _ batch: Batch,
        sent: Int,
        status: SendStatus,
        mayContinue: Bool
    ) -> (next: FlushNext, becameWritable: Bool, waiters: [CheckedContinuation<Void, any Error>]) {
        isFlushing = false
        inFlight = 0
        if sent > 0 {
            lastSendTime = MonotonicTime.now()
        }

        if case .failed(let code) = status {
            return (.failed(code), false, [])
        }

        if sent < batch.bytes.count {
            var remainder = Array(batch.bytes[sent...])
            remainder.append(contentsOf: pending)
            pending = remainder
        } else if batch.isRecyclable, spare.capacity == 0, batch.bytes.capacity <= Self.maximumRecycledCapacity {
            spare = batch.bytes
            spare.removeAll(keepingCapacity: true)
        }

        let (becameWritable, waiters) = recoverWritabilityIfNeeded()
        return (nextStep(after: status, mayContinue: mayContinue), becameWritable, waiters)
    }

    /// Whether a draining connection has sent everything; reported once.
    mutating func takeDrainedSignal() -> Bool {
        guard phase == .draining, pending.isEmpty, !isFlushing, !drainReported else {
            return false
        }

        drainReported = true
        return true
    }

    /// Moves to closed unless an inline flusher holds the socket.
    mutating func abort() -> AbortDecision {
        switch phase {
        case .closed:
            return .alreadyClosed

        case .open, .draining, .aborting:
            if isFlushing {
                phase = .aborting
                return .deferred
            }

            phase = .closed
            pending = []
            spare = []
            let waiters = writabilityWaiters
            writabilityWaiters = []
            return .proceed(waiters)
        }
    }

    // MARK: Private

    private mutating func nextStep(after status: SendStatus, mayContinue: Bool) -> FlushNext {
        if phase == .aborting {
            return .deferredClose
        }
        if case .wouldBlock = status {
            awaitingWritable = true
            return .armWritable
        }
        if pending.isEmpty {
            return takeDrainedSignal() ? .outputDrained : .idle
        }
        // Lazy writes that came while this batch was sent are a stream: they wait for company.
        if !pendingIsUrgent && coalescingDelay > 0 && phase == .open {
            if isDelayedFlushScheduled || isFlushScheduled {
                return .idle
            }
            isDelayedFlushScheduled = true
            return .scheduleDelayedFlush
        }

        if mayContinue {
            isFlushing = true
            return .continueWith(takePending())
        }
        isFlushScheduled = true
        return .scheduleLoopFlush
    }

    private mutating func takePending() -> Batch {
        var batch = spare
        swap(&batch, &pending)
        spare = []
        let isUrgent = pendingIsUrgent
        pendingIsUrgent = false

        inFlight = batch.count
        return Batch(bytes: batch, isRecyclable: true, isUrgent: isUrgent)
    }

    private mutating func crossHighWaterIfNeeded() -> Bool {
        guard isWritable, queuedBytes > highWaterMark else {
            return false
        }

        isWritable = false
        return true
    }

    private mutating func recoverWritabilityIfNeeded() -> (Bool, [CheckedContinuation<Void, any Error>]) {
        guard !isWritable, queuedBytes <= lowWaterMark else {
            return (false, [])
        }

        isWritable = true
        let waiters = writabilityWaiters
        writabilityWaiters = []
        return (true, waiters)
    }
}
