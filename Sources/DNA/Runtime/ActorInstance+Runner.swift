extension ActorInstance {
    private enum Step {
        case batch
        case stop(StopReason)
        /// Gone idle; `keepsBuffers` when the queues once grew (see ``releaseBatchStorage(keepsBuffers:)``).
        case idle(keepsBuffers: Bool)
    }

    /// Works off the mailbox while holding the run token, then gives the token back.
    ///
    /// - Parameter handOff: After the first batch, hand the rest of the queue to a runner task instead of
    ///   working it off here: set when a caller ran its own call and wants its reply.
    func runLoop(handOff: Bool) async {
        var firstBatchDone = false
        while true {
            // A node whose lease ran out starts no incarnation and handles no event, even when this runner wakes
            // before the lease watchdog has fenced the node (after a stall of the whole process): peers may
            // own the name by now.
            guard runtime.lease.isValid() else {
                if await abandonInFlight() {
                    await failAndStop(DNAError(.notServing, "the node lost its lease while \(name) ran"))
                }
                return
            }
            if runnerIncarnation == nil, !needsNoIncarnation {
                guard await startIncarnation() else {
                    return
                }
            }

            if runnerInFlight != nil, let incarnation = runnerIncarnation, !hasQueuedEvents {
                // Nothing else to do: learn the outcome of the flush in flight before going idle or stopping.
                guard await settleInFlight(of: incarnation, failing: nil) || runnerOwnership != nil else {
                    return
                }
                continue
            }

            let limit = runtime.configuration.batching.limit
            var events = runnerSpareQueue
            runnerSpareQueue = RingBuffer()
            let step = mailbox.withLock { mailbox -> Step in
                if mailbox.stopReason == .fence {
                    return .stop(.fence)
                }
                if handOff && firstBatchDone {
                    return Self.handOffStep(&mailbox, spare: events)
                }
                if !mailbox.queue.isEmpty {
                    mailbox.queue.move(upTo: limit, into: &events)
                    return .batch
                }
                if let reason = mailbox.stopReason {
                    return .stop(reason)
                }
                return .idle(keepsBuffers: Self.becomeIdle(&mailbox, spare: events))
            }

            switch step {
            case .idle(let keepsBuffers):
                runnerSpareQueue = events
                releaseBatchStorage(keepsBuffers: keepsBuffers)
                return
            case .stop(.fence):
                runnerSpareQueue = events
                if await abandonInFlight() {
                    await failAndStop(DNAError(.notServing, "the node lost its lease while \(name) ran"))
                }
                return
            case .stop(let reason):
                runnerSpareQueue = events
                await finishStop(reason)
                return
            case .batch:
                if events.isEmpty {
                    // The hand-off step found more work: a runner task now holds the token.
                    runnerSpareQueue = events
                    startRunner()
                    return
                }
                await runBatch(&events)
                runnerSpareQueue = events.capacity > Self.spareQueueCapacityLimit ? RingBuffer() : events
                guard runnerOwnership != nil else {
                    // A fenced flush stopped the instance: it must not start again under the stale claim.
                    return
                }
                firstBatchDone = true
            }
        }
    }

    /// After a caller's own batch: go idle when nothing waits, else signal that a runner task must take over.
    private static func handOffStep(_ mailbox: inout Mailbox, spare: RingBuffer<Event>) -> Step {
        if mailbox.queue.isEmpty && mailbox.stopReason == nil {
            return .idle(keepsBuffers: becomeIdle(&mailbox, spare: spare))
        }
        return .batch
    }

    /// Gives the run token back, and a small empty queue its storage (see ``releaseBatchStorage(keepsBuffers:)``).
    ///
    /// - Returns: Whether the instance keeps its buffers: the mailbox's queue or the spare one once grew.
    private static func becomeIdle(_ mailbox: inout Mailbox, spare: RingBuffer<Event>) -> Bool {
        mailbox.phase = .idle
        mailbox.idleSince = .now()
        let initial = RingBuffer<Event>.initialCapacity
        guard mailbox.queue.capacity <= initial, spare.capacity <= initial else {
            return true
        }
        if mailbox.queue.capacity > 0 {
            mailbox.queue = RingBuffer()
        }
        return false
    }

    /// Drops the batch state and the spare queue of an instance going idle, unless its queues once grew.
    ///
    /// Most resident actors are idle, and what an idle one holds is what a node with millions of them pays
    /// for; they handled a message or a few at a time. An actor whose queue grew is one that bursts: it
    /// keeps its buffers for the next burst (until it passivates), as regrowing them for each would cost
    /// more than they weigh.
    private func releaseBatchStorage(keepsBuffers: Bool) {
        guard !keepsBuffers else {
            return
        }
        runnerSpareQueue = RingBuffer()
        runnerBatch = nil
    }

    /// The batch state for the next batch of `incarnation`: the one kept from the last batch, or a new one.
    private func batchRun(for incarnation: Incarnation<Actor>) -> BatchRun<Actor> {
        if let kept = runnerBatch, kept.context === incarnation.context {
            return kept
        }
        let run = BatchRun<Actor>(name: name, context: incarnation.context)
        runnerBatch = run
        return run
    }

    /// The largest drained queue kept for the next batch; a larger one, left by a burst, is given back.
    private static var spareQueueCapacityLimit: Int { 16384 }

    /// Whether the instance is stopping without more events to handle, or fenced: no incarnation must start.
    private var needsNoIncarnation: Bool {
        mailbox.withLock { $0.stopReason == .fence || ($0.stopReason != nil && $0.queue.isEmpty) }
    }

    private var hasQueuedEvents: Bool {
        mailbox.withLock { !$0.queue.isEmpty }
    }

    /// Handles one batch: the messages through the actor's batch handler, info events one by one, then one
    /// flush of everything staged, then the held replies.
    ///
    /// When more events wait and pipelining is on, the flush runs on while the next batch is handled; its
    /// replies are released by the flush, and every reply of the next batch waits for it as well.
    func runBatch(_ events: inout RingBuffer<Event>) async {
        guard let incarnation = runnerIncarnation else {
            return
        }
        let run = batchRun(for: incarnation)
        run.reset(epoch: incarnation.context.epoch, behindFlush: runnerInFlight != nil)
        runtime.metrics.recordBatch(events: events.count)

        do {
            while let event = events.popFirst() {
                switch event {
                case .call(let message, let sink):
                    run.append(message, sink: sink)
                case .cast(let message):
                    run.append(message, sink: nil)
                case .encodedCast(let bytes):
                    guard let message = try? ActorTypeEntry<Actor>.decodeBinary(bytes, for: name) else {
                        // Bytes a peer sent that are not a message of this type: dropped, as a cast is.
                        runtime.metrics.recordMalformedMessage()
                        continue
                    }
                    run.append(message, sink: nil)
                case .info(let info):
                    try await handleMessages(run, with: incarnation)
                    try await incarnation.actor.receive(info: info, context: .info(run))
                }
            }
            try await handleMessages(run, with: incarnation)
        } catch {
            let failure = DNAError.wrapping(error, as: .handlerFailed, "the handler of \(name) threw")
            run.failPending(with: failure)
            // An info event threw before the rest of the batch was read: those events belong to the failed batch.
            while let event = events.popFirst() {
                if case .call(_, let sink) = event {
                    sink.complete(.failure(failure))
                } else {
                    runtime.metrics.recordDroppedEvent()
                }
            }
            runtime.logger.debug("handler failed", metadata: ["actor.name": "\(name)", "error": failure.message])
            // The new incarnation must read what the earlier batch's flush leaves durable.
            if await abandonInFlight() {
                restart(incarnation)
            }
            return
        }

        guard await settleInFlight(of: incarnation, failing: run) else {
            return
        }
        if incarnation.context.hasStagedWrites {
            if runtime.configuration.pipelinesFlushes, hasQueuedEvents {
                startFlushInBackground(incarnation, held: run.takeHeld())
                return
            }
            guard await flush(incarnation, failing: run) else {
                return
            }
        }
        run.releaseHeld()
        await incarnation.actor.afterPersist()
    }

    /// Hands the messages collected so far to the actor, then empties the run for the next ones.
    private func handleMessages(_ run: BatchRun<Actor>, with incarnation: Incarnation<Actor>) async throws {
        guard !run.isEmpty else {
            return
        }
        try await incarnation.actor.receive(batch: MessageBatch(run: run))
        run.clearMessages()
    }
}
