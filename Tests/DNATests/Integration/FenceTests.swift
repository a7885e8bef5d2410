import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Self-fencing")
    struct Fencing {
        static let settings = ProcessCluster.Settings(leaseTimeout: .seconds(2), heartbeatInterval: nil)

        @Test(
            "a node that loses its store fences itself, its actors move, and it rejoins under a new id",
            arguments: IntegrationStore.all
        )
        func lostStore(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let load = WriteLoad(cluster: cluster, prefix: "fence-\(UUID().uuidString)", counters: 6, stores: 6)
                try await load.spread(over: 3)
                load.start(writers: 4)
                try #require(await load.waitForProgress(40, within: .seconds(30)))
                let firstID = cluster[0].ready.node

                load.avoid(0)
                cluster.failStore(0)
                let fenced = await eventually(within: .seconds(15), every: .milliseconds(20)) {
                    (try? await cluster.gateway(0).readiness()) == 503
                }
                try #require(fenced, "/readyz of the node without a store never turned 503")
                let refused = try await cluster.gateway(0).post(
                    "/v1/actors/counter/\(load.counters[0])",
                    #"{"get": {}}"#
                )
                try #require(refused.status == 503, "a fenced node answered \(refused.status): \(refused.text)")

                // Its actors move to the others, which keep taking writes.
                try await load.reachAll(through: cluster.gateway(1))
                try #require(await load.waitForProgress(30, within: .seconds(30)))

                cluster.healStore(0)
                let rejoinedID = try await cluster.waitForRejoin(0, leaving: firstID)
                try #require(try await cluster.gateway(0).readiness() == 200)

                load.use(0)
                try #require(await load.waitForProgress(30, within: .seconds(30)))
                let record = await load.stop()
                let losses = try await load.losses(in: record, through: cluster.gateway(0))
                try #require(losses.isEmpty, "\(losses.count) losses: \(losses.prefix(20))")

                // The old identity's row goes once the node is back: nobody routes to it any more.
                let oldRowGone = await eventually(within: .seconds(10), every: .milliseconds(50)) {
                    (try? await cluster.gateway(2).status())?.nodes.allSatisfy { $0.id != firstID } ?? false
                }
                try #require(oldRowGone, "the retired id \(firstID) is still listed next to \(rejoinedID)")
                // The four actors node 0 had when it lost its store moved to other identities.
                try #require(cluster.history().handOvers(from: firstID) >= 4)
            }
        }

        @Test(
            "a stalled node does not serve from stale state; after SIGCONT it fences, rejoins and sees the writes",
            arguments: IntegrationStore.all
        )
        func stalledNode(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let key = "stall-\(UUID().uuidString)"
                _ = try await cluster.gateway(0).add(key, 4)
                try #require(try await cluster.gateway(0).add(key, 6) == 10)
                try await cluster.gateway(0).put(key, key: "before", value: "1")
                let firstID = cluster[0].ready.node

                try await cluster.stopOutsideStoreLock(0)
                let stopped = ContinuousClock.now
                // Sent now, read by the node the moment it runs again: the most likely request to see stale state.
                let early = Task {
                    try await cluster.gateway(0).post(
                        "/v1/actors/counter/\(key)",
                        #"{"get": {}}"#,
                        timeout: .seconds(30)
                    )
                }

                // The others take the actors over with their durable state and write on.
                let total = try await GatewayClient.retrying(within: .seconds(20)) {
                    try await cluster.gateway(1).add(key, 5)
                }
                try #require(total == 15)
                try await GatewayClient.retrying(within: .seconds(20)) {
                    try await cluster.gateway(2).put(key, key: "during", value: "2")
                }
                let elapsed = ContinuousClock.now - stopped
                try #require(elapsed >= cluster.settings.leaseTimeout / 2, "taken over \(elapsed) after the stop")
                // Only time makes the stall outlast the lease and the margin, whatever the takeover took.
                let beyond = cluster.settings.leaseTimeout + cluster.settings.effectiveDeadMargin
                try #require(await eventually(within: .seconds(10)) { ContinuousClock.now - stopped > beyond })

                cluster.resume(0)
                let first = try await early.value
                let stale = first.status == 200 && first.text.contains(#""value":10"#)
                try #require(!stale, "the stalled node answered from stale state: \(first.text)")
                try #require(
                    first.status == 503 || first.text.contains(#""value":15"#),
                    "\(first.status) \(first.text)"
                )

                _ = try await cluster.waitForRejoin(0, leaving: firstID)
                let seen = try await GatewayClient.retrying(within: .seconds(20)) {
                    try await cluster.gateway(0).counter(key)
                }
                try #require(seen == 15)
                try #require(try await cluster.gateway(0).value(key, key: "during") == "2")
                try #require(try await cluster.gateway(0).value(key, key: "before") == "1")
            }
        }
    }
}
