extension ActorInstance {
    /// Claims the name when this instance does not own it yet, then runs the actor's initialiser.
    ///
    /// - Returns: `false` when the instance could not start and has stopped, failing its queued events.
    func startIncarnation() async -> Bool {
        if let predecessor = runnerPredecessor {
            // The previous instance of this name on this node may still be flushing its last writes.
            await predecessor.waitUntilStopped()
            runnerPredecessor = nil
        }
        if runnerOwnership == nil {
            do {
                runnerOwnership = try await runtime.claimForActivation(name)
            } catch {
                await failAndStop(DNAError.wrapping(error, as: .placementFailed, "\(name) could not be placed"))
                return false
            }
        }
        guard let ownership = runnerOwnership else {
            return false
        }
        if let exceeded = restartLimitError() {
            await failAndStop(exceeded)
            return false
        }

        let context = ActorContext(name: name, ownership: ownership, instance: self, scope: runtime.storageScope)
        do {
            let actor = try await Actor(context: context)
            runnerIncarnation = Incarnation(
                actor: actor,
                context: context
            )
            runtime.metrics.recordActivation()
            // The node's identity now, not the one the logger was made with (it changes when the node rejoins), and
            // the identity whose claim the instance runs under: the same but in the instant a fenced node rejoins.
            runtime.logger.debug(
                "activated",
                metadata: [
                    "actor.name": "\(name)", "actor.epoch": "\(ownership.epoch)", "actor.owner": "\(ownership.node)",
                    "node.id": "\(runtime.nodeID)",
                ]
            )
            return true
        } catch {
            context.cancelTimers()
            await failAndStop(DNAError.wrapping(error, as: .activationFailed, "\(name) could not start"))
            return false
        }
    }

    /// The error that stops the instance when it restarted too often, or `nil` while it may restart.
    private func restartLimitError() -> DNAError? {
        let intensity = runtime.configuration.restartIntensity
        let now = MonotonicInstant.now()
        runnerRestarts.removeAll { now - $0 > intensity.period }
        guard runnerRestarts.count > intensity.maxRestarts else {
            return nil
        }
        return DNAError(
            .restartLimitExceeded,
            "\(name) restarted more than \(intensity.maxRestarts) times within \(intensity.period)"
        )
    }

    /// Ends the incarnation so that the next event starts a new one from durable state.
    func restart(_ incarnation: Incarnation<Actor>) {
        incarnation.context.forEachModule { $0.discardStaged() }
        incarnation.context.cancelTimers()
        endIncarnation()
        runnerRestarts.append(.now())
        runtime.metrics.recordRestart()
    }

    /// The store refused a flush because another claim superseded this one: stop at once, without hooks.
    func lostOwnership(_ error: DNAError) async {
        runtime.logger.info("lost ownership", metadata: ["actor.name": "\(name)"])
        if let stale = runnerOwnership {
            runtime.directory.forget(name, ifStill: stale)
        }
        if let incarnation = runnerIncarnation {
            incarnation.context.forEachModule { $0.discardStaged() }
        }
        runnerOwnership = nil
        await failAndStop(error)
    }

    /// Stops after the queue was worked off: the actor's stop hook, a last flush, then deregistration.
    func finishStop(_ reason: StopReason) async {
        if let incarnation = runnerIncarnation {
            await incarnation.actor.willStop()
            if incarnation.context.hasStagedWrites, !(await flush(incarnation, failing: nil)) {
                runtime.logger.warning("writes staged while stopping were lost", metadata: ["actor.name": "\(name)"])
            }
            incarnation.context.cancelTimers()
            endIncarnation()
        }

        let (finalReason, waiters) = mailbox.withLock { mailbox in
            mailbox.phase = .stopped
            defer { mailbox.stopWaiters.removeAll() }
            return (mailbox.stopReason ?? reason, mailbox.stopWaiters)
        }
        runtime.deregister(self)
        if finalReason == .release, let ownership = runnerOwnership {
            do {
                try await runtime.store.release(name, owner: ownership.node)
            } catch {
                runtime.logger.warning("could not release a claim", metadata: ["actor.name": "\(name)"])
            }
        }
        runtime.metrics.recordStop()
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Stops at once and fails every queued event with `error`.
    func failAndStop(_ error: DNAError) async {
        runnerIncarnation?.context.cancelTimers()
        endIncarnation()
        let (events, waiters) = mailbox.withLock { mailbox in
            mailbox.phase = .stopped
            defer { mailbox.stopWaiters.removeAll() }
            return (mailbox.queue.removeAll(), mailbox.stopWaiters)
        }
        runtime.deregister(self)
        for event in events {
            if case .call(_, let sink) = event {
                sink.complete(.failure(error))
            } else {
                runtime.metrics.recordDroppedEvent()
            }
        }
        runtime.metrics.recordStop()
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Drops the incarnation and the batch state made for it. The batch state refers to the context, which
    /// refers to this instance: kept, it would keep a stopped instance alive.
    private func endIncarnation() {
        runnerIncarnation = nil
        runnerBatch = nil
    }
}
