import Testing

extension SeveralHostsTests {
    /// What ``watchFailover(cut:survivor:counter:since:)`` saw.
    struct Failover {
        /// The counter's total, read through the survivor.
        var value: Int64
        /// From the cut until the host was first seen unready.
        var fencedAfter: Duration
        /// From the cut until the survivor served the counter.
        var movedAfter: Duration
    }

    /// Watches the cut-off host from inside while a survivor calls one of its actors, until the call succeeds.
    ///
    /// The host must report itself unready within the lease (plus slack) of the cut, the survivor must serve
    /// the actor within the lease, the margin and the slack, and the host must never have reported itself
    /// ready after the survivor served its actor: two live owners of one name.
    static func watchFailover(
        cut node: HostNode,
        survivor: HostNode,
        counter: String,
        since cutAt: ContinuousClock.Instant
    ) async throws -> Failover {
        let moved = HostFlag()
        async let readiness = watchReadiness(of: node, until: cutAt + lease + margin + slack, or: moved)
        // The watch is awaited before any failure is reported, so that no child task outlives this call.
        let takeover: Result<Int64, any Error>
        do {
            takeover = .success(
                try await retrying("calling \(counter) through \(survivor.host)", within: lease + margin + slack) {
                    try await survivor.gateway.probing().counter(counter)
                }
            )
        } catch {
            takeover = .failure(error)
        }
        let movedAt = ContinuousClock.now
        moved.set()
        let (lastReadySent, fencedAt) = await readiness

        let fenced = try #require(fencedAt, "\(node.host) did not fence itself within \(lease + slack) of the cut")
        try #require(fenced - cutAt <= lease + slack, "\(node.host) fenced itself \(fenced - cutAt) after the cut")
        let value = try takeover.get()
        try #require(movedAt - cutAt <= lease + margin + slack, "\(counter) moved \(movedAt - cutAt) after the cut")
        try #require(
            lastReadySent.map { $0 <= movedAt } ?? true,
            "\(node.host) reported itself ready after \(survivor.host) had served its actor \(counter)"
        )
        return Failover(value: value, fencedAfter: fenced - cutAt, movedAfter: movedAt - cutAt)
    }

    /// Polls `/readyz` from inside the node's host until it has found the node unready and `stop` is set, or
    /// until the deadline.
    ///
    /// - Returns: When the last request that found the node ready was sent, and when a request first found it
    ///   unready.
    private static func watchReadiness(
        of node: HostNode,
        until deadline: ContinuousClock.Instant,
        or stop: HostFlag
    ) async -> (lastReadySent: ContinuousClock.Instant?, fencedAt: ContinuousClock.Instant?) {
        var lastReadySent: ContinuousClock.Instant?
        var fencedAt: ContinuousClock.Instant?
        while ContinuousClock.now < deadline, fencedAt == nil || !stop.isSet {
            let sent = ContinuousClock.now
            switch try? await node.gatewayFromInside.readiness() {
            case 200: lastReadySent = sent
            case 503: fencedAt = fencedAt ?? ContinuousClock.now
            default: break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (lastReadySent, fencedAt)
    }

    /// The cut-off node refuses calls, even to actors it owned: it has no lease.
    static func requireServesNothing(_ node: HostNode, counter: String) async throws {
        let response = try await node.gatewayFromInside.probing().call("counter", counter, ["get": [String: Int]()])
        try #require(
            response.status == 503,
            "\(node.host) answered \(response.status) to a call while cut off: \(response.text)"
        )
    }

    /// Waits until every one of `nodes` lists the identity `id` as dead or no longer lists it.
    static func requireDeclaredDead(_ id: String, by nodes: [HostNode]) async throws {
        let dead = await eventually(within: slack, every: .milliseconds(50)) {
            for node in nodes {
                guard let view = try? await node.gateway.cluster(), view.member(id)?.alive != true else {
                    return false
                }
            }
            return true
        }
        try #require(dead, "the survivors still list \(id) as alive")
    }
}
