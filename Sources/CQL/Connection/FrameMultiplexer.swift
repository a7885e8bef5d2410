import DNANetwork
import Synchronization

/// The requests in flight on one connection, matched to their responses by stream id.
///
/// Callers write from any thread; responses, timeouts and the close arrive on the connection's loop thread.
/// All state sits behind one lock; continuations are resumed and timers cancelled after it is released.
final class FrameMultiplexer: Sendable {
    private struct Pending {
        let continuation: CheckedContinuation<CQLResponseFrame, any Error>
        var timer: ScheduledTask?
    }

    private struct State {
        var streams: StreamIDPool
        var pending: [Int16: Pending] = [:]
        var connection: TCPConnection?
        var closedError: CQLClientError?
        var onEvent: (@Sendable (CQLEvent) -> Void)?
    }

    private let state: Mutex<State>

    /// Past this many orphaned ids the connection is closed: a server that has stopped answering some streams
    /// would otherwise starve it. The pool replaces it.
    let orphanLimit: Int

    init(capacity: Int) {
        let pool = StreamIDPool(capacity: capacity)
        state = Mutex(State(streams: pool))
        orphanLimit = max(1, pool.capacity * 3 / 4)
    }

    func attach(_ connection: TCPConnection) {
        state.withLock { $0.connection = connection }
    }

    func setEventHandler(_ handler: (@Sendable (CQLEvent) -> Void)?) {
        state.withLock { $0.onEvent = handler }
    }

    var inFlight: Int { state.withLock { $0.streams.waiting } }

    var orphans: Int { state.withLock { $0.streams.orphanCount } }

    var isClosed: Bool { state.withLock { $0.closedError != nil } }

    // MARK: Sending

    /// Sends a request and waits for its response, its timeout or the close of the connection.
    ///
    /// - Important: The wait is not cancellable; `timeout` bounds it.
    func send(_ request: CQLRequest, timeout: Duration) async throws -> CQLResponseFrame {
        var frame = try request.encodeFrame(stream: 0)
        return try await withCheckedThrowingContinuation { continuation in
            let admission = state.withLock { state -> Result<(Int16, TCPConnection), CQLClientError> in
                if let closedError = state.closedError {
                    return .failure(CQLClientError(.requestNotSent, "the connection is closed: \(closedError.message)"))
                }
                guard let connection = state.connection else {
                    return .failure(CQLClientError(.requestNotSent, "the connection is not open"))
                }
                guard let id = state.streams.allocate() else {
                    return .failure(
                        CQLClientError(.tooManyRequests, "all \(state.streams.capacity) stream ids are in use")
                    )
                }
                state.pending[id] = Pending(continuation: continuation, timer: nil)
                return .success((id, connection))
            }

            switch admission {
            case .failure(let error):
                continuation.resume(throwing: error)
            case .success(let (id, connection)):
                frame[2] = UInt8(truncatingIfNeeded: UInt16(bitPattern: id) >> 8)
                frame[3] = UInt8(truncatingIfNeeded: UInt16(bitPattern: id))
                arm(id, timeout: timeout, on: connection.loop)
                if !connection.write(frame) {
                    fail(id, with: CQLClientError(.requestNotSent, "the connection closed before the request left"))
                }
            }
        }
    }

    private func arm(_ id: Int16, timeout: Duration, on loop: EventLoop) {
        let timer = loop.scheduleTask(in: timeout) { [weak self] in
            self?.timeOut(id, after: timeout)
        }
        let stillPending = state.withLock { state -> Bool in
            guard state.pending[id] != nil else {
                return false
            }
            state.pending[id]?.timer = timer
            return true
        }
        if !stillPending {
            timer.cancel()
        }
    }

    private func timeOut(_ id: Int16, after timeout: Duration) {
        let (pending, tooManyOrphans, connection) = state.withLock { state in
            let pending = state.pending.removeValue(forKey: id)
            if pending != nil {
                state.streams.orphan(id)
            }
            return (pending, state.streams.orphanCount > orphanLimit, state.connection)
        }
        pending?.continuation.resume(
            throwing: CQLClientError(.timedOut, "no response within \(timeout); the request may have been applied")
        )
        if tooManyOrphans {
            connection?.abort(reason: .protocolError("too many requests went unanswered"))
        }
    }

    private func fail(_ id: Int16, with error: CQLClientError) {
        let pending = state.withLock { state in
            state.streams.release(id)
            return state.pending.removeValue(forKey: id)
        }
        pending?.timer?.cancel()
        pending?.continuation.resume(throwing: error)
    }

    // MARK: Receiving (loop thread)

    /// Hands a response to the request that waits for it, or an event to the event handler.
    func receive(_ frame: CQLResponseFrame) {
        let stream = frame.header.stream
        if stream < 0 {
            if case .event(let event) = frame.response {
                state.withLock { $0.onEvent }?(event)
            }
            return
        }

        let pending = state.withLock { state in
            state.streams.release(stream)
            return state.pending.removeValue(forKey: stream)
        }
        pending?.timer?.cancel()
        pending?.continuation.resume(returning: frame)
    }

    /// Fails every waiting request; later sends fail at once.
    func close(with error: CQLClientError) {
        let pending = state.withLock { state -> [Pending] in
            if state.closedError == nil {
                state.closedError = error
            }
            let waiting = Array(state.pending.values)
            state.pending = [:]
            return waiting
        }
        for entry in pending {
            entry.timer?.cancel()
            entry.continuation.resume(throwing: error)
        }
    }
}

/// Cuts a connection's byte stream into frames on its loop thread and hands them to the multiplexer.
final class CQLFrameHandler: TCPConnectionHandler {
    private let multiplexer: FrameMultiplexer

    init(multiplexer: FrameMultiplexer) {
        self.multiplexer = multiplexer
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        do throws(CQLClientError) {
            while let header = try CQLFrameHeader.decode(buffer.readableView),
                buffer.readableBytes >= CQLFrameHeader.size + header.bodyLength
            {
                buffer.moveReaderIndex(forwardBy: CQLFrameHeader.size)
                let body = buffer.readBytes(header.bodyLength) ?? []
                multiplexer.receive(try CQLResponseFrame.decode(header: header, body: body))
            }
        } catch {
            // Garbage leaves no way to find the next frame: the connection goes, and its requests with it.
            buffer.clear()
            multiplexer.close(with: CQLClientError(.protocolViolation, error.message))
            connection.abort(reason: .protocolError(error.message))
        }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        multiplexer.close(with: CQLClientError(.connectionClosed, "the connection closed (\(reason))"))
    }
}
