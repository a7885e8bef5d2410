import Synchronization

/// The runtime side of one actor name on this node: its mailbox, its lifecycle, and the current incarnation
/// of the user's actor.
///
/// One task at a time holds the run token (the `.running` phase, taken under the mailbox lock) and only that
/// task touches the incarnation and the batch state. A caller that finds the instance idle takes the token and
/// runs its own call, which spares a thread hop; otherwise events queue and a runner task works them off.
final class ActorInstance<Actor: DurableActor>: AnyInstance, @unchecked Sendable {
    // @unchecked: the `runner*` state below is touched only by the holder of the run token, handed over under
    // the mailbox lock; everything else is immutable or lock-protected.

    enum Event: Sendable {
        case call(Actor.Message, ReplyTarget<Actor.Reply>)
        case cast(Actor.Message)
        /// A cast forwarded by a peer, still encoded: the runner decodes it, off the event loop that read it.
        case encodedCast(ArraySlice<UInt8>)
        case info(InfoEvent)
    }

    enum Phase {
        /// Nobody runs the instance; the next event takes the run token.
        case idle
        /// A task holds the run token.
        case running
        /// Stopped for good: events are refused and the caller resolves the name again.
        case stopped
    }

    struct Mailbox {
        var queue = RingBuffer<Event>()
        var phase = Phase.running
        var stopReason: StopReason?
        var stopWaiters: [UnsafeContinuation<Void, Never>] = []
        var idleSince: MonotonicInstant?
    }

    /// What the enqueueing side must do after releasing the lock.
    enum Admission {
        case queued
        case startRunner
        case runInline
        case refused
    }

    let name: ActorName
    let runtime: NodeRuntime
    let mailbox = Mutex(Mailbox())

    // Runner state: only the holder of the run token reads or writes these.
    var runnerPredecessor: (any AnyInstance)?
    var runnerOwnership: Ownership?
    var runnerIncarnation: Incarnation<Actor>?
    var runnerRestarts: [MonotonicInstant] = []
    /// The flush of an earlier batch that runs on while the next batch is handled.
    var runnerInFlight: Task<FlushOutcome, Never>?
    /// The drained queue of the last batch, kept so that the next batch reuses its storage.
    var runnerSpareQueue = RingBuffer<Event>()
    /// The state of the current batch, kept for the next one while events keep coming; an idle instance drops
    /// it, like the spare queue, so that a resident actor costs little memory.
    var runnerBatch: BatchRun<Actor>?

    /// Creates an instance in the running phase: its creator must start it with ``startRunner()`` or run it.
    init(name: ActorName, runtime: NodeRuntime, predecessor: (any AnyInstance)?, ownership: Ownership? = nil) {
        self.name = name
        self.runtime = runtime
        self.runnerPredecessor = predecessor
        self.runnerOwnership = ownership
    }

    // MARK: Events in

    /// Queues a cast. Returns `false` when the instance is stopping and the caller must resolve again.
    func cast(_ message: Actor.Message) -> Bool {
        admit(.cast(message), inline: false)
    }

    /// Queues a cast that a peer forwarded, as its encoded bytes. Returns `false` when the instance is
    /// stopping.
    func cast(encoded bytes: ArraySlice<UInt8>) -> Bool {
        admit(.encodedCast(bytes), inline: false)
    }

    /// Queues a cast that a peer forwarded, decoding it here when the runner is behind.
    ///
    /// The runner decodes forwarded casts, so that the event loop that read them only queues them. When more
    /// than ``backlogForCallerDecoding`` events wait, the runner is the bottleneck of the stream: the caller
    /// (the loop) decodes instead, and the two threads share the work. The order is the order of arrival
    /// either way. A cast that does not decode is queued encoded, so that the runner reports it as it would.
    func cast(forwarded bytes: ArraySlice<UInt8>) -> Bool {
        if queuedEvents > Self.backlogForCallerDecoding,
            let message = try? ActorTypeEntry<Actor>.decodeBinary(bytes, for: name)
        {
            return cast(message)
        }
        return cast(encoded: bytes)
    }

    static var backlogForCallerDecoding: Int { 64 }

    /// Queues an info event for the actor.
    func info(_ event: InfoEvent) {
        _ = admit(.info(event), inline: false)
    }

    /// Queues a call whose reply goes to `sink`. Returns `false` when the instance refused it.
    func call(_ message: Actor.Message, sink: any ReplySink<Actor.Reply>) -> Bool {
        admit(.call(message, .other(sink)), inline: false)
    }

    /// Performs a call for a local caller, running it on the caller's task when the instance is idle.
    ///
    /// - Returns: `nil` when the instance refused the call and the caller must resolve the name again.
    func callLocally(_ message: Actor.Message, timeout: Duration, runInline: Bool) async throws -> Actor.Reply? {
        let slot = ReplySlot<Actor.Reply>()
        let event = Event.call(message, .local(slot))
        let admission = mailbox.withLock { Self.admit(event, to: &$0, inline: runInline) }
        switch admission {
        case .refused:
            return nil
        case .runInline:
            return try await runOwnCall(slot, timeout: timeout)
        case .startRunner, .queued:
            if admission == .startRunner {
                startRunner()
            }
            return try await wait(for: slot, timeout: timeout)
        }
    }

    /// Performs a call on a new instance, whose run token the caller holds as its creator.
    func callAsCreator(_ message: Actor.Message, timeout: Duration) async throws -> Actor.Reply {
        let slot = ReplySlot<Actor.Reply>()
        mailbox.withLock { $0.queue.append(.call(message, .local(slot))) }
        return try await runOwnCall(slot, timeout: timeout)
    }

    /// Queues a cast on a new instance, whose run token the caller holds as its creator, and starts a runner.
    func castAndStart(_ message: Actor.Message) {
        mailbox.withLock { $0.queue.append(.cast(message)) }
        startRunner()
    }

    /// Runs the instance on the caller's task until the caller's call has been handled.
    private func runOwnCall(_ slot: ReplySlot<Actor.Reply>, timeout: Duration) async throws -> Actor.Reply {
        await runLoop(handOff: true)
        if let result = slot.takeResult() {
            return try result.get()
        }
        // Events queued ahead of the call filled the first batch; a runner task now handles the call.
        return try await wait(for: slot, timeout: timeout)
    }

    private func wait(for slot: ReplySlot<Actor.Reply>, timeout: Duration) async throws -> Actor.Reply {
        let ticket = runtime.timeouts.schedule(slot, at: .now() + timeout)
        defer { runtime.timeouts.cancel(slot, ticket: ticket) }
        return try await slot.wait()
    }

    private func admit(_ event: Event, inline: Bool) -> Bool {
        let admission = mailbox.withLock { Self.admit(event, to: &$0, inline: false) }
        // An event-loop thread handing over a burst of casts starts the runner once, at the burst's end.
        if admission == .startRunner, !RunnerStarts.deferStart({ self.startRunner() }) {
            startRunner()
        }
        return admission != .refused
    }

    private static func admit(_ event: Event, to mailbox: inout Mailbox, inline: Bool) -> Admission {
        guard mailbox.phase != .stopped, mailbox.stopReason == nil else {
            return .refused
        }
        let wasIdle = mailbox.phase == .idle
        let alone = mailbox.queue.isEmpty
        mailbox.queue.append(event)
        guard wasIdle else {
            return .queued
        }
        mailbox.phase = .running
        mailbox.idleSince = nil
        return inline && alone ? .runInline : .startRunner
    }

    /// Starts a task that works off the mailbox; the caller must hold the run token it hands over.
    func startRunner() {
        // The task is owned by the instance: it ends when the mailbox is empty, and stopping waits for it.
        Task { await self.runLoop(handOff: false) }
    }

    // MARK: AnyInstance

    var isAcceptingEvents: Bool {
        mailbox.withLock { $0.phase != .stopped && $0.stopReason == nil }
    }

    var isStopped: Bool {
        mailbox.withLock { $0.phase == .stopped }
    }

    var idleSince: MonotonicInstant? {
        mailbox.withLock { $0.phase == .idle ? $0.idleSince : nil }
    }

    var queuedEvents: Int {
        mailbox.withLock { $0.queue.count }
    }

    func passivateIfIdle(since cutoff: MonotonicInstant) async -> Bool {
        let won = mailbox.withLock { mailbox -> Bool in
            guard mailbox.phase == .idle, mailbox.stopReason == nil, mailbox.queue.isEmpty,
                let idleSince = mailbox.idleSince, idleSince <= cutoff
            else {
                return false
            }
            mailbox.stopReason = .passivate
            mailbox.phase = .running
            return true
        }
        if won {
            await runLoop(handOff: false)
        }
        return won
    }

    func stop(_ reason: StopReason) async {
        let run = mailbox.withLock { mailbox -> Bool? in
            guard mailbox.phase != .stopped else {
                return nil
            }
            if mailbox.stopReason == nil || reason != .passivate {
                mailbox.stopReason = mailbox.stopReason == .fence ? .fence : reason
            }
            guard mailbox.phase == .idle else {
                return false
            }
            mailbox.phase = .running
            return true
        }
        switch run {
        case nil:
            return
        case true?:
            await runLoop(handOff: false)
        case false?:
            await waitUntilStopped()
        }
    }

    func waitUntilStopped() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let stopped = mailbox.withLock { mailbox -> Bool in
                guard mailbox.phase != .stopped else {
                    return true
                }
                mailbox.stopWaiters.append(continuation)
                return false
            }
            if stopped {
                continuation.resume()
            }
        }
    }
}

/// One life of the user's actor, from its initialiser to a stop or a restart.
struct Incarnation<Actor: DurableActor> {
    let actor: Actor
    let context: ActorContext
}
