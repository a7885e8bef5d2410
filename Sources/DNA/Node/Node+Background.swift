import DNANetwork

extension Node {
    // MARK: Background work

    func startBackgroundWork() {
        var tasks = [
            Task(executorPreference: membershipLoop) { await self.heartbeatLoop() },
            Task(executorPreference: membershipLoop) { await self.leaseWatchdog() },
            Task { await Self.timeoutLoop(self.runtime) },
            Task { await Self.passivationLoop(self.runtime) },
        ]
        if let gateway {
            tasks.append(Task { await gateway.run() })
        }
        background.withLock { $0 = tasks }
    }

    /// Cancels the background tasks and waits for them to end, so that no heartbeat write lands after the
    /// node deleted its row.
    func stopBackgroundWork() async {
        let tasks = background.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in tasks {
            task.cancel()
        }
        for task in tasks {
            await task.value
        }
    }

    /// Writes the heartbeat every interval and keeps the connections to peers in step with membership.
    private func heartbeatLoop() async {
        let runtime = self.runtime
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: runtime.configuration.heartbeatInterval)) != nil else {
                return
            }
            // While fenced, the watchdog owns the heartbeat: it rejoins under a new identity.
            guard runtime.currentPhase != .fenced else {
                continue
            }
            do {
                try await beat()
                await maintainPeers()
            } catch {
                runtime.logger.warning("heartbeat failed", metadata: ["error": DNAError.describe(error)])
            }
        }
    }

    private func beat() async throws {
        try await runtime.membership.beat(
            load: runtime.queuedEvents,
            residentActors: runtime.residentCount,
            draining: runtime.currentPhase == .draining
        )
    }

    /// Stops serving the moment the lease runs out, then rejoins under a new identity once the store takes
    /// heartbeats again.
    private func leaseWatchdog() async {
        let runtime = self.runtime
        let tick = min(runtime.configuration.heartbeatInterval / 4, .milliseconds(100))
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: tick)) != nil else {
                return
            }
            let phase = runtime.currentPhase
            guard phase == .serving || phase == .draining, !runtime.membership.lease.isValid() else {
                continue
            }
            await fence()
            await rejoin()
        }
    }

    /// Stops every resident actor at once: the lease ran out, so peers may soon take this node's names over.
    func fence() async {
        let old = runtime.nodeID
        runtime.advance(to: .fenced)
        runtime.metrics.recordFence()
        // How long ago the lease ran out: the node stopped serving then, not when it noticed (after a stall).
        let overdue = runtime.membership.lease.expiresAt.map { MonotonicInstant.now() - $0 } ?? .zero
        runtime.logger.warning(
            "lease lost; serving nothing until the node rejoins",
            metadata: ["node.id": "\(old)", "lease.overdue_ms": "\(Int64(overdue.inSeconds * 1000))"]
        )

        runtime.membership.rejoin()
        runtime.identityChanged()
        runtime.directory.removeAll()
        await stopAllInstances(.fence)
    }

    /// Writes heartbeats under the new identity until the store takes one, then serves again.
    private func rejoin() async {
        let runtime = self.runtime
        while !Task.isCancelled, runtime.currentPhase == .fenced {
            do {
                try await beat()
                for retired in runtime.membership.retiredIDs {
                    try? await runtime.membership.leave(as: retired)
                }
                runtime.directory.removeAll()
                runtime.advance(to: .serving)
                runtime.logger.info("rejoined the cluster", metadata: ["node.id": "\(runtime.nodeID)"])
                return
            } catch {
                guard (try? await Task.sleep(for: runtime.configuration.heartbeatInterval)) != nil else {
                    return
                }
            }
        }
    }

    /// Connects to peers that appeared, disconnects from those that died or left, and deletes the rows of
    /// nodes dead for long.
    private func maintainPeers() async {
        let runtime = self.runtime
        guard let link = runtime.link else {
            return
        }
        let live = Set(runtime.membership.livePeers().map(\.address).filter { !$0.isEmpty })
        let (added, removed) = peers.withLock { known -> (Set<String>, Set<String>) in
            defer { known = live }
            return (live.subtracting(known), known.subtracting(live))
        }
        for address in removed {
            link.disconnect(from: address)
        }
        for address in added {
            Task { await link.connect(to: address) }
        }
        for dead in runtime.membership.longDeadMembers() where dead.node != runtime.nodeID {
            try? await runtime.membership.leave(as: dead.node)
        }
    }

    private static func timeoutLoop(_ runtime: NodeRuntime) async {
        while !Task.isCancelled {
            await runtime.timeouts.waitUntilOccupied()
            guard (try? await Task.sleep(for: runtime.timeouts.tick)) != nil else {
                return
            }
            runtime.timeouts.sweep(now: .now())
        }
    }

    private static func passivationLoop(_ runtime: NodeRuntime) async {
        let interval = max(.milliseconds(50), min(runtime.configuration.idleTimeout / 4, .seconds(5)))
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: interval)) != nil else {
                return
            }
            await Passivation.sweep(runtime, now: .now())
        }
    }
}
