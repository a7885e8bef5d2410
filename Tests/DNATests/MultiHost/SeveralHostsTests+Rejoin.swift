import Testing

extension SeveralHostsTests {
    /// Waits until the node serves again under an identity other than `old`, and its peers list that one alive.
    ///
    /// - Returns: The new identity.
    static func waitUntilRejoined(_ node: HostNode, replacing old: String, peers: [HostNode]) async throws -> String {
        var rejoined: String?
        let back = await eventually(within: rejoinLimit, every: .milliseconds(100)) {
            guard let view = try? await node.gateway.cluster(), view.node != old, view.phase == "serving",
                view.member(view.node)?.alive == true, (try? await node.gateway.readiness()) == 200
            else {
                return false
            }
            rejoined = view.node
            return true
        }
        let id = try #require(
            rejoined,
            "\(node.host) did not serve again within \(rejoinLimit) of its link coming back"
        )
        try #require(back)

        let seen = await eventually(within: slack, every: .milliseconds(50)) {
            for peer in peers {
                guard let view = try? await peer.gateway.cluster(), view.member(id)?.alive == true else {
                    return false
                }
            }
            return true
        }
        try #require(seen, "the peers do not list \(node.host)'s new identity \(id) as alive")
        return id
    }

    /// The rejoined node claims a new actor under its new identity, and a peer reads the actor's write.
    static func requireClaimsAgain(
        _ node: HostNode,
        as id: String,
        checkingThrough peer: HostNode,
        writes: inout AcknowledgedWrites
    ) async throws {
        let counter = "\(node.host.namespace)-counter-rejoined"
        try await add(7, to: counter, through: node, writes: &writes)
        let view = try await node.gateway.cluster()
        try #require(view.node == id)
        try #require(
            (view.member(id)?.residentActors ?? 0) >= 1,
            "\(node.host) runs no actor after claiming \(counter)"
        )
        try await writes.verify(through: peer.gateway, counters: [counter], maps: [])
    }

    /// Adds to every counter and puts one item in every map through `node`, retrying while the cluster settles.
    static func write(
        _ writes: inout AcknowledgedWrites,
        counters: [String],
        maps: [String],
        through node: HostNode,
        round: String
    ) async throws {
        for counter in counters {
            try await add(10, to: counter, through: node, writes: &writes)
        }
        for map in maps {
            let value = "\(map)-\(round)"
            // A put that failed may still have landed; its retry writes the same value, so either reads back.
            try await retrying("putting \(round) in \(map) through \(node.host)", within: slack) {
                try await node.gateway.put(value, at: "item-\(round)", in: map)
            }
            writes.acknowledge(value, at: "item-\(round)", in: map)
        }
    }

    /// Adds `amount` to a counter, retrying while the cluster settles; an attempt that failed may have landed.
    private static func add(
        _ amount: Int64,
        to counter: String,
        through node: HostNode,
        writes: inout AcknowledgedWrites
    ) async throws {
        try await retrying("adding to \(counter) through \(node.host)", within: slack) {
            do {
                _ = try await node.gateway.add(amount, to: counter)
            } catch {
                writes.mayHaveAdded(amount, to: counter)
                throw error
            }
        }
        writes.acknowledge(amount, to: counter)
    }
}
