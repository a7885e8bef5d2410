extension NodeRuntime {
    /// Delivers a cast to `name` wherever it runs, without waiting.
    ///
    /// Casts from one sender reach the actor in the order sent: when the route is known they go straight to the
    /// local mailbox or onto the owner's connection; while it is looked up they wait in ``CastQueues``. A cast
    /// that cannot be delivered is dropped and counted.
    func route<Actor: DurableActor>(
        cast message: Actor.Message,
        to name: ActorName,
        as type: Actor.Type,
        hops: Int,
        cache: InstanceCache<Actor>? = nil
    ) {
        guard (try? types.check(type)) != nil, (try? checkServing()) != nil, hops <= Self.hopLimit else {
            metrics.recordDroppedEvent()
            return
        }

        // While no cast of any name waits for a route, none of this sender's can: deliver without the lock.
        if castQueues.isIdle, deliverDirectly(cast: message, to: name, as: type, hops: hops, cache: cache) {
            return
        }
        let delivery: CastQueues.Delivery = { [self] target in
            deliver(cast: message, to: name, as: type, target: target, hops: hops)
        }
        let mustResolve = castQueues.submit(name, delivery) {
            deliverDirectly(cast: message, to: name, as: type, hops: hops, cache: cache)
        }
        guard mustResolve else {
            return
        }

        // The resolving task belongs to the queue: it ends once the queue has drained.
        Task {
            let target: CastTarget?
            do {
                target = try await castTarget(for: name)
            } catch {
                logger.debug("cast dropped", metadata: ["actor.name": "\(name)", "error": DNAError.describe(error)])
                target = nil
            }
            castQueues.drain(name, to: target)
            // Only now may the handle's casts skip the queue: earlier ones were all delivered by the drain.
            remember(target, for: name, as: type, in: cache, hops: hops)
        }
    }

    /// Tells a handle's cache where its casts go, so that the next ones need no routing.
    private func remember<Actor: DurableActor>(
        _ target: CastTarget?,
        for name: ActorName,
        as type: Actor.Type,
        in cache: InstanceCache<Actor>?,
        hops: Int
    ) {
        guard let cache, hops == 0 else {
            return
        }
        switch target {
        case .local?:
            if let instance = existingInstance(for: name, as: type) {
                cache.remember(instance)
            }
        case .remote(let node, let address)?:
            cache.remember(remote: RemoteRoute(node: node, address: address, name: name, link: link))
        case nil:
            break
        }
    }

    /// Delivers at once when the route is known without a lookup. Runs under the cast queues' lock.
    private func deliverDirectly<Actor: DurableActor>(
        cast message: Actor.Message,
        to name: ActorName,
        as type: Actor.Type,
        hops: Int,
        cache: InstanceCache<Actor>?
    ) -> Bool {
        if let local = existingInstance(for: name, as: type) {
            cache?.remember(local)
            return local.cast(message)
        }
        guard let cached = directory.owner(of: name), cached.node != nodeID,
            membership.liveness(of: cached.node) == .alive,
            let address = membership.record(of: cached.node)?.address
        else {
            return false
        }
        guard send(cast: message, to: name, as: type, node: cached.node, address: address, hops: hops) else {
            return false
        }
        if hops == 0 {
            cache?.remember(remote: RemoteRoute(node: cached.node, address: address, name: name, link: link))
        }
        return true
    }

    /// Sends a cast on a handle's cached route. Returns `false` (and drops the route) when it could not be
    /// sent, so that the caller routes it afresh.
    func send<Actor: DurableActor>(
        cast message: Actor.Message,
        on route: RemoteRoute,
        as type: Actor.Type,
        name: ActorName,
        cache: InstanceCache<Actor>
    ) -> Bool {
        guard let link, let body = try? ActorTypeEntry<Actor>.encodeBinary(message, for: name) else {
            return false
        }
        do {
            if let peer = route.peer {
                try link.send(to: peer, prefix: route.castHeader, payload: body)
            } else {
                try link.send(to: route.address, prefix: route.castHeader, payload: body)
            }
            return true
        } catch {
            cache.forget(remote: route)
            directory.forget(name)
            return false
        }
    }

    /// Delivers one queued cast once its route is known.
    private func deliver<Actor: DurableActor>(
        cast message: Actor.Message,
        to name: ActorName,
        as type: Actor.Type,
        target: CastTarget?,
        hops: Int
    ) {
        switch target {
        case .local(let ownership)?:
            for _ in 0..<Self.castAttempts {
                guard let (instance, created) = try? instance(for: name, as: type, ownership: ownership) else {
                    break
                }
                if created {
                    instance.castAndStart(message)
                    return
                }
                if instance.cast(message) {
                    return
                }
            }
            metrics.recordDroppedEvent()
        case .remote(let node, let address)?:
            if !send(cast: message, to: name, as: type, node: node, address: address, hops: hops) {
                metrics.recordDroppedEvent()
            }
        case nil:
            metrics.recordDroppedEvent()
        }
    }

    /// Sends a cast to its owner over the cluster transport. Returns `false` when it could not be sent.
    private func send<Actor: DurableActor>(
        cast message: Actor.Message,
        to name: ActorName,
        as type: Actor.Type,
        node: NodeID,
        address: String,
        hops: Int
    ) -> Bool {
        guard let link, let body = try? ActorTypeEntry<Actor>.encodeBinary(message, for: name) else {
            return false
        }
        let forwarded = ClusterMessage(
            kind: .cast,
            hops: hops + 1,
            target: node,
            timeout: .zero,
            name: name,
            body: body
        )
        do {
            try link.send(to: address, payload: forwarded.encoded())
            return true
        } catch {
            directory.forget(name)
            return false
        }
    }

    /// Resolves `name` for casts; while this node drains and still owns the name, waits for the hand-over.
    private func castTarget(for name: ActorName) async throws -> CastTarget {
        for _ in 0..<Self.castAttempts * 8 {
            switch try await resolve(name) {
            case .local(let ownership):
                guard currentPhase == .serving else {
                    try await Task.sleep(for: .milliseconds(5))
                    continue
                }
                return .local(ownership)
            case .remote(let node, let address, _):
                return .remote(node: node, address: address)
            }
        }
        throw DNAError(.placementFailed, "\(name) was being handed over for too long")
    }

    private static var castAttempts: Int { 8 }
}
