import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Failover after kill -9")
    struct Failover {
        static let settings = ProcessCluster.Settings(leaseTimeout: .seconds(2), heartbeatInterval: nil)

        /// How much later than lease + margin a reclaimed actor may answer: a heartbeat to notice the last change,
        /// the caller's retry pause, the reclaim and the activation, on a loaded two-core machine.
        static let slack: Duration = .seconds(3)

        @Test(
            "the owner's actors answer through another node within lease + margin + slack, with their state",
            arguments: IntegrationStore.all
        )
        func killedOwner(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let key = "failover-\(UUID().uuidString)"
                _ = try await cluster.gateway(0).add(key, 5)
                try #require(try await cluster.gateway(0).add(key, 7) == 12)
                try await cluster.gateway(0).put(key, key: "k", value: "durable")
                try #require(try await cluster.gateway(0).status().me?.residentActors == 2)

                cluster.kill(0)
                let killed = ContinuousClock.now
                let total = try await GatewayClient.retrying(within: .seconds(20)) {
                    try await cluster.gateway(1).counter(key)
                }
                let elapsed = ContinuousClock.now - killed
                try #require(total == 12)
                print("failover: the reclaimed actor answered \(elapsed) after the kill")

                let settings = cluster.settings
                let bound = settings.leaseTimeout + settings.effectiveDeadMargin + Self.slack
                try #require(elapsed <= bound, "the reclaimed actor answered \(elapsed) after the kill")
                // Peers wait out the lease and the margin after the last heartbeat they saw, which is at most a
                // heartbeat or so before the kill: an answer sooner than half the lease means no wait at all.
                try #require(elapsed >= settings.leaseTimeout / 2, "reclaimed only \(elapsed) after the kill")

                try #require(try await cluster.gateway(2).value(key, key: "k") == "durable")
                try #require(try await cluster.gateway(1).add(key, 1) == 13)
                try #require(
                    await cluster[0].waitForExit(within: .seconds(10)) == .init(status: SIGKILL, bySignal: true)
                )

                let moves = cluster.history().byName["default/counter/\(key)"] ?? []
                try #require(moves.map(\.process) == [0, 1], "activations: \(moves)")
                try #require(moves[1].epoch > moves[0].epoch)
            }
        }

        @Test(
            "no acknowledged write is lost under concurrent load through every gateway across the kill",
            arguments: IntegrationStore.all
        )
        func noAcknowledgedWriteLost(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let load = WriteLoad(cluster: cluster, prefix: "load-\(UUID().uuidString)", counters: 6, stores: 6)
                try await load.spread(over: 3)
                load.start(writers: 6)
                try #require(await load.waitForProgress(60, within: .seconds(30)), "the load did not get going")

                // Requests already on their way to node 0 fail with it; the writers just stop sending there.
                load.avoid(0)
                cluster.kill(0)
                try #require(await load.waitForProgress(30, within: .seconds(30)))

                // Every actor answers through the survivors: whatever node 0 owned has been reclaimed.
                try await load.reachAll(through: cluster.gateway(1))
                try #require(await load.waitForProgress(30, within: .seconds(30)))
                let record = await load.stop()

                let losses = try await load.losses(in: record, through: cluster.gateway(2))
                try #require(losses.isEmpty, "\(losses.count) losses: \(losses.prefix(20))")
                try #require(record.acknowledged >= 120)
                // The four actors node 0 owned when it was killed were reclaimed by the others.
                try #require(cluster.history().handOvers(from: cluster[0].ready.node) >= 4)
            }
        }
    }
}
