extension ActorInstance {
    private enum Step {
        case batch([Event])
        case stop(StopReason)
        case idle
    }

    /// Works off the mailbox while holding the run token, then gives the token back.
    ///
    /// - Parameter handOff: After the first batch, hand the rest of the queue to a runner task instead of
    ///   working it off here: set when a caller ran its own call and wants its reply.
    func runLoop(handOff: Bool) async {
        var firstBatchDone = false
        while true {
            if runnerIncarnation == nil, !isStopRequestedWithEmptyQueue {
                guard await startIncarnation() else {
                    return
                }
            }

            let limit = runtime.configuration.batching.limit
            let step = mailbox.withLock { mailbox -> Step in
                if handOff && firstBatchDone {
                    return Self.handOffStep(&mailbox)
                }
                if !mailbox.queue.isEmpty {
                    return .batch(mailbox.queue.removeFirst(upTo: limit))
                }
                if let reason = mailbox.stopReason {
                    return .stop(reason)
                }
                mailbox.phase = .idle
                mailbox.idleSince = .now()
                return .idle
            }

            switch step {
            case .idle:
                return
            case .stop(let reason):
                await finishStop(reason)
                return
            case .batch(let events):
                if events.isEmpty {
                    // The hand-off step found more work: a runner task now holds the token.
                    startRunner()
                    return
                }
                await runBatch(events)
                firstBatchDone = true
            }
        }
    }

    /// After a caller's own batch: go idle when nothing waits, else signal that a runner task must take over.
    private static func handOffStep(_ mailbox: inout Mailbox) -> Step {
        if mailbox.queue.isEmpty && mailbox.stopReason == nil {
            mailbox.phase = .idle
            mailbox.idleSince = .now()
            return .idle
        }
        return .batch([])
    }

    private var isStopRequestedWithEmptyQueue: Bool {
        mailbox.withLock { $0.stopReason != nil && $0.queue.isEmpty }
    }

    /// Handles one batch: the messages through the actor's batch handler, info events one by one, then one
    /// flush of everything staged, then the held replies.
    func runBatch(_ events: [Event]) async {
        guard let incarnation = runnerIncarnation else {
            return
        }
        let run = BatchRun<Actor>(name: name, context: incarnation.context)
        runtime.metrics.recordBatch(events: events.count)

        do {
            for event in events {
                switch event {
                case .call(let message, let sink):
                    run.append(message, sink: sink)
                case .cast(let message):
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
            runtime.logger.debug("handler failed", metadata: ["actor.name": "\(name)", "error": failure.message])
            restart(incarnation)
            return
        }

        if incarnation.context.hasStagedWrites {
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
