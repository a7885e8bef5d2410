/// How one flush of an instance's writes ended.
enum FlushOutcome: Sendable {
    /// The writes are durable.
    case durable

    /// The store refused the writes: another claim superseded the instance's.
    case fenced(DNAError)

    /// The writes could not be made durable within the retry policy; nothing of them was written.
    case failed(DNAError)
}

extension ActorInstance {
    /// Flushes the staged writes of all modules as one atomic unit and waits for the outcome.
    ///
    /// - Returns: `true` when the writes are durable. On failure the batch's pending callers got an error and
    ///   the instance restarts (or stops, when it lost its claim).
    func flush(_ incarnation: Incarnation<Actor>, failing run: BatchRun<Actor>?) async -> Bool {
        guard let ownership = runnerOwnership else {
            return false
        }
        let writes = beginFlush(incarnation)
        let outcome = await performFlush(writes, fence: ownership)
        return await settle(outcome, of: incarnation, failing: run)
    }

    /// Starts flushing the staged writes while the instance goes on with its next batch.
    ///
    /// The flush releases `held` itself once the writes are durable, or fails them; the runner learns the
    /// outcome with ``settleInFlight(of:failing:)`` before its next flush, before going idle, and before a
    /// restart, so that at most one flush per instance is in flight and a new incarnation reads durable state.
    func startFlushInBackground(
        _ incarnation: Incarnation<Actor>,
        held: [(sink: ReplyTarget<Actor.Reply>, reply: Actor.Reply)]
    ) {
        guard let ownership = runnerOwnership else {
            return
        }
        let writes = beginFlush(incarnation)
        // Immediate: the flush reaches the store before the runner goes on. A plain task would wait for a
        // thread of the cooperative pool, which the runner and the senders may be keeping busy meanwhile.
        runnerInFlight = Task.immediate {
            let outcome = await self.performFlush(writes, fence: ownership)
            switch outcome {
            case .durable:
                for (sink, reply) in held {
                    sink.complete(.success(reply))
                }
            case .fenced(let error), .failed(let error):
                for (sink, _) in held {
                    sink.complete(.failure(error))
                }
            }
            return outcome
        }
    }

    /// Waits for the flush in flight, if any, and acts on its outcome.
    ///
    /// - Returns: `true` when there was none or its writes are durable (the after-persist hook has run). On
    ///   failure the calls of `run` that have not heard back fail too, as every reply held since the failed
    ///   flush must, and the instance restarts or stops.
    func settleInFlight(of incarnation: Incarnation<Actor>, failing run: BatchRun<Actor>?) async -> Bool {
        guard let inFlight = runnerInFlight else {
            return true
        }
        runnerInFlight = nil
        guard await settle(inFlight.value, of: incarnation, failing: run) else {
            return false
        }
        await incarnation.actor.afterPersist()
        return true
    }

    /// Waits for the flush in flight before the incarnation is dropped for another reason.
    ///
    /// - Returns: `false` when that flush was fenced and the instance has stopped.
    func abandonInFlight() async -> Bool {
        guard let inFlight = runnerInFlight else {
            return true
        }
        runnerInFlight = nil
        if case .fenced(let error) = await inFlight.value {
            await lostOwnership(error)
            return false
        }
        return true
    }

    // MARK: Internals

    /// Takes the staged writes of every module, in (module, key) order when the store prefers it.
    ///
    /// Staged writes come out of hash tables. Sorting here, on the actor's side, keeps the work off the store's
    /// writer, which a pipelined flush overlaps with the next batch.
    private func beginFlush(_ incarnation: Incarnation<Actor>) -> [StoredWrite] {
        var writes: [StoredWrite] = []
        incarnation.context.forEachModule { $0.beginFlush(into: &writes) }
        if writes.count > 1, runtime.store.prefersSortedWrites {
            writes.sort { $0.module == $1.module ? $0.key < $1.key : $0.module < $1.module }
        }
        return writes
    }

    /// Folds a flush's outcome into the instance: the modules learn that their writes are durable, or the
    /// instance restarts from durable state (or stops, when fenced) and the pending callers of `run` fail.
    private func settle(
        _ outcome: FlushOutcome,
        of incarnation: Incarnation<Actor>,
        failing run: BatchRun<Actor>?
    ) async -> Bool {
        switch outcome {
        case .durable:
            incarnation.context.forEachModule { $0.didFlush() }
            return true
        case .fenced(let error):
            run?.failPending(with: error)
            await lostOwnership(error)
            return false
        case .failed(let error):
            run?.failPending(with: error)
            runtime.logger.warning("flush failed, restarting", metadata: ["actor.name": "\(name)"])
            restart(incarnation)
            return false
        }
    }

    /// Writes `writes` under `fence`, retrying failures with backoff. Touches only immutable state, so that it
    /// can run in a task of its own.
    private func performFlush(_ writes: [StoredWrite], fence: Ownership) async -> FlushOutcome {
        let policy = runtime.configuration.flushRetry
        var attempt = 1
        while true {
            do {
                try await runtime.store.mutate(name, fence: fence, writes: writes)
                runtime.metrics.recordFlush(writes: writes.count)
                return .durable
            } catch let error as DNAError where error.code == .fenced {
                return .fenced(error)
            } catch {
                runtime.metrics.recordFlushFailure()
                guard attempt < policy.attempts else {
                    let reason = DNAError.describe(error)
                    let message = "the writes of \(name) could not be flushed: \(reason)"
                    return .failed(DNAError(.flushFailed, message, underlying: error))
                }
                try? await Task.sleep(for: policy.backoff(afterAttempt: attempt))
                attempt += 1
            }
        }
    }
}
