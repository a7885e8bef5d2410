import Glibc

/// The loop-thread side of a connection: registration, reading, flushing,
/// timeouts and closing. Everything here runs on `loop`'s thread.
extension TCPConnection: LoopSelectable {
    /// Wraps an open descriptor, registers it and creates its handler.
    ///
    /// - Returns: The connection, or `nil` when registration failed (the
    ///   descriptor is then closed).
    static func start(
        descriptor: Int32,
        loop: EventLoop,
        configuration: Configuration,
        makeHandler: (TCPConnection) -> any TCPConnectionHandler
    ) -> TCPConnection? {
        assert(loop.inEventLoop)
        Socket.setNoDelay(descriptor)

        let connection = TCPConnection(descriptor: descriptor, loop: loop, configuration: configuration)
        do {
            connection.registrationID = try loop.register(
                connection,
                descriptor: descriptor,
                events: EpollEvents.readable
            )
            connection.registeredEvents = EpollEvents.readable
        } catch {
            Glibc.close(descriptor)
            return nil
        }

        let handler = makeHandler(connection)
        connection.handler = handler
        handler.connectionDidBecomeActive(connection)

        connection.scheduleTimeoutCheck()
        return connection
    }

    /// Whether received bytes still go to the handler (not closed, not closing).
    ///
    /// - Important: Loop thread only.
    var acceptsInput: Bool {
        !isClosedOnLoop && !isDraining
    }

    func handleEvents(_ events: UInt32) {
        if events & (EpollEvents.readable | EpollEvents.hangUp | EpollEvents.error) != 0 {
            if events & EpollEvents.readable == 0 && (isReadingPaused || sawEndOfFile) {
                // Hang-up or error is reported even without read interest; it means the connection is over.
                let code = Socket.pendingError(descriptor)
                closeOnLoop(code == 0 ? gracefulOrEndOfFile : .systemError(code))
                return
            }
            readOnLoop()
        }

        if events & EpollEvents.writable != 0, !isClosedOnLoop {
            flushOnLoop(afterWritable: true)
        }
    }

    func loopIsShuttingDown() {
        // An inline sender holds the socket only for one non-blocking send; wait for it to let go.
        for _ in 0..<10_000 where !isClosedOnLoop {
            closeOnLoop(.loopShutDown)
            if !isClosedOnLoop {
                sched_yield()
            }
        }
    }

    /// Sends queued output now, if no other thread is already doing so.
    ///
    /// - Parameters:
    ///   - afterWritable: Whether EPOLLOUT triggered this flush.
    ///   - delayed: Whether the coalescing delay's timer triggered it.
    func flushOnLoop(afterWritable: Bool = false, delayed: Bool = false) {
        let batch = outbound.withLock { $0.beginLoopFlush(afterWritable: afterWritable, delayed: delayed) }
        guard let batch else {
            if afterWritable {
                syncInterest()
            }
            return
        }

        follow(drive(batch, inline: false), onLoop: true)
        if afterWritable {
            syncInterest()
        }
    }

    func finishFlushOnLoop(_ next: OutboundState.FlushNext) {
        switch next {
        case .idle, .continueWith, .scheduleLoopFlush, .scheduleDelayedFlush:
            return

        case .armWritable:
            syncInterest()

        case .outputDrained:
            outputDidDrain()

        case .deferredClose:
            closeOnLoop(deferredCloseReason ?? .localClose)

        case .failed(let code):
            closeOnLoop(.systemError(code))
        }
    }

    /// Makes epoll wait for exactly the events the connection needs now.
    func syncInterest() {
        guard !isClosedOnLoop else {
            return
        }

        var wanted: UInt32 = 0
        if !sawEndOfFile && (!isReadingPaused || isDraining) {
            wanted |= EpollEvents.readable
        }
        if outbound.withLock({ $0.awaitingWritable }) {
            wanted |= EpollEvents.writable
        }

        if wanted != registeredEvents {
            registeredEvents = wanted
            loop.reregister(id: registrationID, descriptor: descriptor, events: wanted)
        }
    }

    // MARK: Reading

    private func readOnLoop() {
        let buffer = loop.readBuffer

        for _ in 0..<4 {
            guard !isClosedOnLoop, !sawEndOfFile, !isReadingPaused || isDraining else {
                return
            }

            switch Socket.receive(descriptor, into: buffer) {
            case .transferred(let count):
                countReceive(bytes: count)
                lastReadTime = MonotonicTime.now()
                deliver(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if count < buffer.count {
                    return
                }

            case .wouldBlock:
                return

            case .endOfFile:
                peerDidFinish()
                return

            case .failed(let code):
                closeOnLoop(.systemError(code))
                return
            }
        }
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer) {
        // While closing, input is read only to find the peer's end of file.
        guard !isDraining, let handler else {
            return
        }

        inbound.append(contentsOf: bytes)
        handler.connection(self, didRead: &inbound)
    }

    private func peerDidFinish() {
        sawEndOfFile = true
        syncInterest()

        if isDraining {
            if outbound.withLock({ $0.queuedBytes == 0 }) {
                closeOnLoop(gracefulCloseReason)
            }
            return
        }

        // The peer may still read: send what is queued before closing.
        _ = outbound.withLock { $0.beginDraining() }
        beginGracefulClose(reason: .endOfFile)
    }

    private var gracefulOrEndOfFile: TCPCloseReason {
        isDraining ? gracefulCloseReason : .endOfFile
    }

    // MARK: Closing

    func beginGracefulClose(reason: TCPCloseReason) {
        guard !isClosedOnLoop, !isDraining else {
            return
        }

        isDraining = true
        gracefulCloseReason = reason
        syncInterest()

        lingerTask = loop.scheduleTask(in: configuration.lingerTimeout) { [self] in
            closeOnLoop(gracefulCloseReason)
        }

        if outbound.withLock({ $0.takeDrainedSignal() }) {
            outputDidDrain()
        } else {
            flushOnLoop()
        }
    }

    private func outputDidDrain() {
        guard !isClosedOnLoop else {
            return
        }
        if sawEndOfFile {
            closeOnLoop(gracefulCloseReason)
            return
        }

        // Send our end of file and keep reading until the peer's, so that
        // unread input does not turn the close into a reset that could
        // destroy the response the peer has yet to read.
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes the descriptor now and tells the handler; idempotent.
    func closeOnLoop(_ reason: TCPCloseReason) {
        guard !isClosedOnLoop else {
            return
        }

        let waiters: [CheckedContinuation<Void, any Error>]
        switch outbound.withLock({ $0.abort() }) {
        case .alreadyClosed:
            return
        case .deferred:
            deferredCloseReason = reason
            return
        case .proceed(let pending):
            waiters = pending
        }

        isClosedOnLoop = true
        loop.deregister(id: registrationID, descriptor: descriptor)
        Glibc.close(descriptor)
        timeoutTask?.cancel()
        lingerTask?.cancel()

        for waiter in waiters {
            waiter.resume(throwing: Self.closedError)
        }
        publishClose(reason)

        let handler = self.handler
        self.handler = nil
        handler?.connection(self, didCloseWith: reason)
    }

    // MARK: Timeouts

    /// Arms one timer for the earliest read or idle deadline; it re-arms
    /// itself instead of being rescheduled on every read.
    func scheduleTimeoutCheck() {
        guard !isClosedOnLoop, let deadline = nextTimeoutDeadline() else {
            return
        }

        let delay = Duration.nanoseconds(Int64(MonotonicTime.now().nanoseconds(until: deadline)))
        timeoutTask = loop.scheduleTask(in: delay) { [self] in
            checkTimeouts()
        }
    }

    private func checkTimeouts() {
        guard !isClosedOnLoop, let deadline = nextTimeoutDeadline() else {
            return
        }

        if deadline <= MonotonicTime.now() {
            closeOnLoop(.timedOut)
        } else {
            scheduleTimeoutCheck()
        }
    }

    private func nextTimeoutDeadline() -> MonotonicTime? {
        var deadlines: [MonotonicTime] = []

        if let readTimeout = configuration.readTimeout {
            // Paused reading does not count: push the deadline forward.
            let base = isReadingPaused ? MonotonicTime.now() : lastReadTime
            deadlines.append(base.advanced(by: readTimeout))
        }
        if let idleTimeout = configuration.idleTimeout {
            let lastSend = outbound.withLock { $0.lastSendTime }
            deadlines.append(max(lastReadTime, lastSend).advanced(by: idleTimeout))
        }

        return deadlines.min()
    }
}
