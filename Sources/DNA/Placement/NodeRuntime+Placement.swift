extension NodeRuntime {
    /// Finds where `name` lives, claiming it for this node, reclaiming it from a dead owner or picking a peer
    /// to claim it, as ``PlacementDecision`` says.
    ///
    /// Ownership is read from the store (the strongest read it offers) unless the directory cache has an entry
    /// whose owner is this node or a live peer.
    ///
    /// - Throws: ``DNAError/Code/placementFailed`` when no node can take the name, the store's errors.
    func resolve(_ name: ActorName) async throws -> Route {
        if let cached = directory.owner(of: name), let route = cachedRoute(cached) {
            return route
        }

        // Where a claim costs what a read costs, a name is claimed at once under the local policy: that spares
        // the read of an activation's first round trip, and the claim returns the owner when there is one.
        let claimsFirst = store.claimsAreCheap && configuration.placement == .local && currentPhase == .serving
        var owner = claimsFirst ? try await store.claim(name, for: nodeID) : try await store.owner(of: name)
        for _ in 0..<Self.placementSteps {
            let me = nodeID
            var ownerIsAlive = false
            if let owner, owner.node != me {
                ownerIsAlive = try await membership.isAlive(owner.node)
            }
            let decision = PlacementDecision.decide(
                owner: owner,
                me: me,
                isAlive: { _ in ownerIsAlive },
                claimant: claimant(for: name)
            )

            switch decision {
            case .use(let found):
                guard let route = route(to: found) else {
                    throw DNAError(.nodeUnreachable, "\(name) is owned by \(found.node), which advertises no address")
                }
                // A local owner is not cached: the registry finds resident actors, and a cache entry for each
                // would cost every resident actor memory to spare a read when it is activated again.
                if found.node != me {
                    directory.remember(found, for: name)
                }
                return route
            case .claim:
                owner = try await store.claim(name, for: me)
            case .reclaim(let dead):
                logger.debug("reclaiming", metadata: ["actor.name": "\(name)", "node.previous": "\(dead)"])
                owner = try await store.reclaim(name, from: dead, to: me)
            case .handOver(let peer):
                guard let address = membership.record(of: peer)?.address, !address.isEmpty else {
                    throw DNAError(.nodeUnreachable, "the peer \(peer) advertises no address")
                }
                return .remote(node: peer, address: address, ownership: nil)
            case .unavailable:
                throw DNAError(.placementFailed, "no live node can take \(name) now")
            }
        }
        throw DNAError(.placementFailed, "the owner of \(name) kept changing while placing it")
    }

    /// Claims `name` for an instance that starts without a claim from routing.
    ///
    /// - Throws: ``DNAError/Code/placementFailed`` when another node owns the name.
    func claimForActivation(_ name: ActorName) async throws -> Ownership {
        switch try await resolve(name) {
        case .local(let ownership):
            return ownership
        case .remote(let node, _, _):
            throw DNAError(.placementFailed, "\(name) belongs to \(node), not to this node")
        }
    }

    /// The bound on claim, reclaim and read steps of one resolution.
    private static var placementSteps: Int { 6 }

    private func cachedRoute(_ cached: Ownership) -> Route? {
        if cached.node == nodeID {
            return .local(cached)
        }
        guard membership.liveness(of: cached.node) == .alive else {
            return nil
        }
        return route(to: cached)
    }

    private func route(to owner: Ownership) -> Route? {
        if owner.node == nodeID {
            return .local(owner)
        }
        guard let address = membership.record(of: owner.node)?.address, !address.isEmpty else {
            return nil
        }
        return .remote(node: owner.node, address: address, ownership: owner)
    }

    /// The node that should claim `name` now: this one when it is serving and the policy picks it, else a live
    /// peer that is not draining, or `nil`.
    private func claimant(for name: ActorName) -> NodeID? {
        let me = currentPhase == .serving ? (node: nodeID, residentActors: residentCount) : nil
        let peers = link == nil ? [] : membership.livePeers().filter { !$0.draining && !$0.address.isEmpty }
        return configuration.placement.claimant(for: name, me: me, peers: peers)
    }
}
