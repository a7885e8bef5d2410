import Synchronization

/// The outbound side of a transport towards one peer address: one connection
/// at a time, the requests in flight on it, frames waiting for it to open,
/// and the reconnect back-off.
///
/// State sits behind one lock and every transition is decided there; frames
/// are written and continuations resumed after the lock is released, except
/// that frames queued while connecting are handed to the new connection in
/// order before senders may write to it directly.
final class PeerChannel: Sendable {
    typealias ReplyContinuation = CheckedContinuation<Result<[UInt8], ClusterTransportError>, Never>
    typealias ConnectContinuation = CheckedContinuation<Result<Void, ClusterTransportError>, Never>

    private struct Pending {
        let continuation: ReplyContinuation
        let deadline: MonotonicTime
    }

    private enum Phase {
        case idle
        case connecting
        case ready(TCPConnection)
        case backingOff(until: MonotonicTime)
        case closed
    }

    /// What a caller must do, after releasing the lock, with a frame it offered.
    private enum Admission {
        case write(TCPConnection)
        case queued
        case startConnect
        case fail(ClusterTransportError)
    }

    private struct State {
        var phase = Phase.idle
        var backoff: ReconnectBackoff
        var peerNodeID: String?
        var queued: [[UInt8]] = []
        var queuedBytes = 0
        var pending: [UInt64: Pending] = [:]
        var connectWaiters: [ConnectContinuation] = []
        var connectTask: Task<Void, Never>?
        var isRetryScheduled = false
        var isSweepArmed = false
        var sweepSawActivity = false
    }

    let address: PeerAddress
    let loop: EventLoop
    private let context: ClusterContext
    private let state: Mutex<State>

    init(address: PeerAddress, loop: EventLoop, context: ClusterContext) {
        self.address = address
        self.loop = loop
        self.context = context
        self.state = Mutex(State(backoff: context.configuration.reconnectBackoff))
    }

    // MARK: Callers

    /// Sends an encoded one-way frame, or queues it until the connection opens.
    ///
    /// One-way frames are never sent from the caller's thread: nobody waits for them, and queued for the loop
    /// they share system calls with the frames sent after them.
    func send(_ frame: [UInt8]) throws(ClusterTransportError) {
        let admission = state.withLock { admit(frame, &$0) }

        switch admission {
        case .write(let connection):
            guard connection.write(frame, inline: false) else {
                throw error(.closed, "the connection to the peer closed")
            }
        case .queued:
            break
        case .startConnect:
            startConnect()
        case .fail(let error):
            throw error
        }
    }

    /// Sends an encoded request frame and resumes `continuation` with its reply,
    /// its timeout, or the failure of its connection.
    func request(id: UInt64, frame: [UInt8], deadline: MonotonicTime, continuation: ReplyContinuation) {
        let (admission, armSweep) = state.withLock { state -> (Admission, Bool) in
            let admission = admit(frame, &state)
            if case .fail = admission {
                return (admission, false)
            }

            state.pending[id] = Pending(continuation: continuation, deadline: deadline)
            return (admission, noteActivity(&state))
        }

        if armSweep {
            scheduleSweep()
        }
        switch admission {
        case .write(let connection):
            if !connection.write(frame) {
                complete(id, with: .failure(error(.closed, "the connection to the peer closed")))
            }
        case .queued:
            break
        case .startConnect:
            startConnect()
        case .fail(let error):
            continuation.resume(returning: .failure(error))
        }
    }

    /// Resumes the request `id` with `result`, unless it already ended.
    func complete(_ id: UInt64, with result: Result<[UInt8], ClusterTransportError>) {
        let pending = state.withLock { $0.pending.removeValue(forKey: id) }
        pending?.continuation.resume(returning: result)
    }

    /// Suspends until a connection is open and verified; from back-off it
    /// waits for the back-off to end and then makes one attempt.
    func waitUntilConnected() async -> Result<Void, ClusterTransportError> {
        await withCheckedContinuation { continuation in
            enum Step {
                case done(Result<Void, ClusterTransportError>)
                case wait
                case startConnect
                case retry(after: Duration)
            }

            let step = state.withLock { state -> Step in
                switch state.phase {
                case .closed:
                    return .done(.failure(error(.shutDown, "the transport is shut down")))
                case .ready:
                    return .done(.success(()))
                case .connecting:
                    state.connectWaiters.append(continuation)
                    return .wait
                case .idle:
                    state.connectWaiters.append(continuation)
                    state.phase = .connecting
                    return .startConnect
                case .backingOff(let until):
                    state.connectWaiters.append(continuation)
                    let remaining = MonotonicTime.now().nanoseconds(until: until)
                    if remaining == 0 {
                        state.phase = .connecting
                        return .startConnect
                    }
                    guard !state.isRetryScheduled else {
                        return .wait
                    }
                    state.isRetryScheduled = true
                    return .retry(after: .nanoseconds(Int64(remaining)))
                }
            }

            switch step {
            case .done(let result):
                continuation.resume(returning: result)
            case .wait:
                break
            case .startConnect:
                startConnect()
            case .retry(let delay):
                loop.scheduleTask(in: delay) { [self] in
                    retryAfterBackOff()
                }
            }
        }
    }

    /// The open connection, if any.
    var connection: TCPConnection? {
        state.withLock { state in
            if case .ready(let connection) = state.phase {
                return connection
            }
            return nil
        }
    }

    /// The node id the peer proved on the last connection.
    var peerNodeID: String? {
        state.withLock { $0.peerNodeID }
    }

    /// Fails everything pending with `error`, closes the connection and refuses
    /// further use.
    ///
    /// - Returns: The connect task still running, for the caller to await.
    func close(with error: ClusterTransportError) -> Task<Void, Never>? {
        let (pending, waiters, connection, task) = state.withLock { state in
            var connection: TCPConnection?
            if case .ready(let open) = state.phase {
                connection = open
            }
            state.phase = .closed
            state.queued = []
            state.queuedBytes = 0
            defer {
                state.pending = [:]
                state.connectWaiters = []
            }
            return (Array(state.pending.values), state.connectWaiters, connection, state.connectTask)
        }

        for request in pending {
            request.continuation.resume(returning: .failure(error))
        }
        for waiter in waiters {
            waiter.resume(returning: .failure(error))
        }
        connection?.close()
        return task
    }

    // MARK: Connection events (loop thread)

    func connectionDidEstablish(_ connection: TCPConnection, peerNodeID: String) {
        // Hand queued frames over in rounds while still "connecting", so that
        // senders keep queueing behind them instead of overtaking them.
        while true {
            let batch = state.withLock { state -> [[UInt8]]? in
                guard case .connecting = state.phase else {
                    return nil
                }
                guard !state.queued.isEmpty else {
                    state.phase = .ready(connection)
                    state.peerNodeID = peerNodeID
                    state.backoff.recordSuccess()
                    return []
                }
                defer {
                    state.queued = []
                    state.queuedBytes = 0
                }
                return state.queued
            }

            guard let batch else {
                connection.close()  // the channel was closed while connecting
                return
            }
            if batch.isEmpty {
                break
            }
            for frame in batch {
                connection.write(frame)
            }
        }

        let waiters = state.withLock { state in
            defer { state.connectWaiters = [] }
            return state.connectWaiters
        }
        for waiter in waiters {
            waiter.resume(returning: .success(()))
        }
    }

    func connectionDidClose(_ connection: TCPConnection, reason: TCPCloseReason, wasEstablished: Bool) {
        guard wasEstablished else {
            connectFailed(error(.handshakeFailed, "the connection closed during the handshake (\(reason))"))
            return
        }

        let pending = state.withLock { state -> [Pending] in
            guard case .ready(let current) = state.phase, current === connection else {
                return []
            }
            state.phase = .idle
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }

        let failure = error(.closed, "the connection closed with a request in flight (\(reason))")
        for request in pending {
            request.continuation.resume(returning: .failure(failure))
        }
    }

    // MARK: Connecting

    /// Decides what becomes of an offered frame; called under the lock.
    private func admit(_ frame: [UInt8], _ state: inout State) -> Admission {
        switch state.phase {
        case .closed:
            return .fail(error(.shutDown, "the transport is shut down"))

        case .ready(let connection):
            return .write(connection)

        case .backingOff(let until) where MonotonicTime.now() < until:
            return .fail(error(.unreachable, "the peer is unreachable; waiting before the next connect attempt"))

        case .connecting, .idle, .backingOff:
            guard state.queuedBytes + frame.count <= context.configuration.maximumQueuedBytes else {
                return .fail(error(.overloaded, "too many bytes queued for a connection that is not open yet"))
            }
            state.queued.append(frame)
            state.queuedBytes += frame.count

            if case .connecting = state.phase {
                return .queued
            }
            state.phase = .connecting
            return .startConnect
        }
    }

    /// Starts the one connect attempt of the `connecting` phase.
    ///
    /// A task, because resolving and connecting are asynchronous; it ends
    /// within the connect timeout and ``close(with:)`` hands it to shutdown.
    private func startConnect() {
        context.connectAttempts.add(1, ordering: .relaxed)

        let task = Task { [self] in
            do {
                _ = try await TCPClient.connect(
                    host: address.host,
                    port: address.port,
                    timeout: context.configuration.connectTimeout,
                    on: loop,
                    configuration: context.configuration.connectionConfiguration
                ) { [self] _ in
                    ClusterConnectionHandler(side: .opened(self), context: context)
                }
            } catch {
                connectFailed(self.error(.unreachable, "cannot connect: \(error)"))
            }
        }
        state.withLock { $0.connectTask = task }
    }

    private func retryAfterBackOff() {
        let start = state.withLock { state -> Bool in
            state.isRetryScheduled = false
            guard case .backingOff = state.phase, !state.connectWaiters.isEmpty else {
                return false
            }
            state.phase = .connecting
            return true
        }

        if start {
            startConnect()
        }
    }

    private func connectFailed(_ failure: ClusterTransportError) {
        let (pending, waiters) = state.withLock { state -> ([Pending], [ConnectContinuation]) in
            guard case .connecting = state.phase else {
                return ([], [])
            }

            let delay = state.backoff.recordFailure()
            state.phase = .backingOff(until: MonotonicTime.now().advanced(by: delay))
            state.queued = []
            state.queuedBytes = 0
            defer {
                state.pending = [:]
                state.connectWaiters = []
            }
            return (Array(state.pending.values), state.connectWaiters)
        }

        for request in pending {
            request.continuation.resume(returning: .failure(failure))
        }
        for waiter in waiters {
            waiter.resume(returning: .failure(failure))
        }
    }

    // MARK: Timeouts

    /// Notes a new request; returns whether the sweep timer must be armed.
    private func noteActivity(_ state: inout State) -> Bool {
        state.sweepSawActivity = true
        guard !state.isSweepArmed else {
            return false
        }
        state.isSweepArmed = true
        return true
    }

    private func scheduleSweep() {
        loop.scheduleTask(in: context.configuration.timeoutResolution) { [self] in
            sweep()
        }
    }

    /// Fails requests past their deadline. The timer stays armed while
    /// requests come and go, so that a busy channel never has to wake its loop
    /// from another thread just to arm it.
    private func sweep() {
        let now = MonotonicTime.now()
        let (expired, rearm) = state.withLock { state -> ([Pending], Bool) in
            var expired: [Pending] = []
            for (id, request) in state.pending where request.deadline <= now {
                expired.append(request)
                state.pending[id] = nil
            }

            let rearm = !state.pending.isEmpty || state.sweepSawActivity
            state.sweepSawActivity = false
            state.isSweepArmed = rearm
            return (expired, rearm)
        }

        if rearm {
            scheduleSweep()
        }
        let failure = error(.timedOut, "no reply before the request's timeout")
        for request in expired {
            request.continuation.resume(returning: .failure(failure))
        }
    }

    private func error(_ code: ClusterTransportError.Code, _ message: String) -> ClusterTransportError {
        ClusterTransportError(code: code, message: message, peer: address)
    }
}
