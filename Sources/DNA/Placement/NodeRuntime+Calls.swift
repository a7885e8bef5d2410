extension NodeRuntime {
    /// The most nodes a message passes through before its owner; beyond, it fails with placementFailed.
    static var hopLimit: Int { 4 }

    /// Delivers a call to `name` wherever it runs and returns the reply.
    ///
    /// Tries the resident local instance, then resolves the name: a local owner runs the call here, a remote one
    /// gets it forwarded. A peer that answers "not here" or cannot be reached sends the call round again after
    /// the directory entry is dropped; an unreachable owner is retried until membership judges it dead and the
    /// name is reclaimed, within the call's timeout. A call that may have reached its owner is never sent twice.
    ///
    /// - Parameters:
    ///   - cache: The handle's cache, told of the local instance reached.
    /// - Throws: ``DNAError`` as ``ActorHandle/call(_:timeout:)`` documents.
    func route<Actor: DurableActor>(
        call message: Actor.Message,
        to name: ActorName,
        as type: Actor.Type,
        timeout: Duration,
        hops: Int,
        cache: InstanceCache<Actor>? = nil
    ) async throws -> Actor.Reply {
        try types.check(type)
        let deadline = MonotonicInstant.now() + timeout
        var encoded: [UInt8]?
        var lastError: DNAError?

        for attempt in 0..<Self.routeAttempts {
            try checkServing()
            let remaining = deadline - .now()
            guard remaining > .zero else {
                throw lastError ?? DNAError(.timedOut, "the call to \(name) timed out while it was being placed")
            }
            if attempt > 0 {
                try await Task.sleep(for: min(remaining, Self.retryPause(attempt: attempt, configuration)))
            }

            // Casts this sender made before the call may wait for the route: the call must not overtake them.
            if !castQueues.isIdle {
                await castQueues.waitUntilDrained(name)
            }
            if let local = existingInstance(for: name, as: type) {
                cache?.remember(local)
                if let reply = try await local.callLocally(message, timeout: remaining, runInline: true) {
                    return reply
                }
                continue
            }

            // A forwarded call comes from a node that believes this one owns the name, or that hands it over:
            // a cache entry here naming another owner is stale, and following it could send the call back the
            // way it came until the hop limit ends it. The store says who owns the name now.
            if hops > 0 && attempt == 0 {
                directory.forget(name)
            }
            switch try await resolve(name) {
            case .local(let ownership):
                guard currentPhase == .serving else {
                    // Draining: the instance is stopping and its claim about to be released; ask again then.
                    lastError = DNAError(.draining, "\(name) is being handed over")
                    continue
                }
                let (instance, created) = try instance(for: name, as: type, ownership: ownership)
                cache?.remember(instance)
                if created {
                    return try await instance.callAsCreator(message, timeout: remaining)
                }
                if let reply = try await instance.callLocally(message, timeout: remaining, runInline: true) {
                    return reply
                }
            case .remote(let node, let address, let ownership):
                guard hops < Self.hopLimit else {
                    throw DNAError(.placementFailed, "\(name) was forwarded \(hops) times without reaching its owner")
                }
                if encoded == nil {
                    encoded = try ActorTypeEntry<Actor>.encodeBinary(message, for: name)
                }
                let forwarded = ClusterMessage(
                    kind: .call,
                    hops: hops + 1,
                    target: node,
                    timeout: remaining,
                    name: name,
                    body: encoded ?? []
                )
                switch try await forward(forwarded, to: address) {
                case .reply(let bytes):
                    if hops == 0, let cache {
                        cache.remember(remote: RemoteRoute(node: node, address: address, name: name, link: link))
                    }
                    return try ActorTypeEntry<Actor>.decodeReply(bytes, of: name)
                case .failure(let error) where error.code == .notServing || error.code == .draining:
                    // The owner lost its lease, or is leaving, before handling the call: its names move once it
                    // is judged dead or has released them.
                    lastError = error
                case .failure(let error):
                    throw error
                case .notHere:
                    lastError = DNAError(.placementFailed, "\(node) no longer owns \(name)")
                case .notSent(let error):
                    lastError = error
                }
                if let ownership {
                    directory.forget(name, ifStill: ownership)
                }
            }
        }
        throw lastError ?? DNAError(.placementFailed, "\(name) could not be reached after \(Self.routeAttempts) tries")
    }

    /// Sends a call on a handle's cached route to the owner, skipping the routing of ``route(call:to:as:timeout:hops:cache:)``.
    ///
    /// - Returns: The reply, or `nil` when the route no longer holds (the owner answered "not here" or is not
    ///   serving, or the call could not be sent): the caller then routes the call afresh.
    func call<Actor: DurableActor>(
        _ message: Actor.Message,
        on route: RemoteRoute,
        as type: Actor.Type,
        name: ActorName,
        timeout: Duration,
        cache: InstanceCache<Actor>
    ) async throws -> Actor.Reply? {
        guard castQueues.isIdle else {
            return nil
        }
        let body = try ActorTypeEntry<Actor>.encodeBinary(message, for: name)
        let forwarded = ClusterMessage(
            kind: .call,
            hops: 1,
            target: route.node,
            timeout: timeout,
            name: name,
            body: body
        )
        switch try await forward(forwarded, to: route.address) {
        case .reply(let bytes):
            return try ActorTypeEntry<Actor>.decodeReply(bytes, of: name)
        case .failure(let error) where error.code == .notServing || error.code == .draining:
            cache.forget(remote: route)
            return nil
        case .failure(let error):
            throw error
        case .notHere, .notSent:
            cache.forget(remote: route)
            directory.forget(name)
            return nil
        }
    }

    /// What became of a forwarded call.
    enum ForwardOutcome {
        case reply([UInt8])
        case failure(DNAError)
        case notHere
        /// The call never left this node; it may be sent again.
        case notSent(DNAError)
    }

    /// Sends a forwarded call and reads the owner's answer.
    ///
    /// - Throws: The error of a call that may have reached the owner: it must not be sent again.
    func forward(_ message: ClusterMessage, to address: String) async throws -> ForwardOutcome {
        guard let link else {
            return .notSent(DNAError(.nodeUnreachable, "this node has no cluster transport to reach \(message.name)"))
        }
        do {
            let answer = try await link.request(to: address, payload: message.encoded(), timeout: message.timeout)
            switch ClusterReply(decoding: answer) {
            case .reply(let bytes)?:
                return .reply(bytes)
            case .failure(let error)?:
                return .failure(error)
            case .notHere?:
                return .notHere
            case nil:
                throw DNAError(.decodingFailed, "the owner of \(message.name) sent a malformed answer")
            }
        } catch let failure as LinkFailure {
            switch failure {
            case .notSent(let error):
                return .notSent(error)
            case .outcomeUnknown(let error):
                throw error
            }
        }
    }

    /// The bound on placement rounds of one call; the call's timeout usually ends them first.
    private static var routeAttempts: Int { 64 }

    /// The pause before round `attempt`: short at first (a stopping instance, a stale cache entry), then a
    /// quarter of the heartbeat interval, so that an unreachable owner is retried until it is judged dead.
    private static func retryPause(attempt: Int, _ configuration: Node.Configuration) -> Duration {
        attempt < 3 ? .milliseconds(1 << attempt) : configuration.heartbeatInterval / 4
    }
}
