import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Graceful drain")
    struct Drain {
        /// Far longer than the test: only a hand-over, not an expired lease, can move the actors.
        static let settings = ProcessCluster.Settings(leaseTimeout: .seconds(30))

        @Test(
            "SIGTERM hands the owner's actors over at once, state intact, and the process exits 0",
            arguments: IntegrationStore.all
        )
        func handsOverWithoutWaitingForTheLease(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let keys = (0..<4).map { "drain-\($0)-\(UUID().uuidString)" }
                for (index, key) in keys.enumerated() {
                    _ = try await cluster.gateway(0).add(key, Int64(index + 1))
                    try await cluster.gateway(0).put(key, key: "k", value: "v\(index)")
                }
                try #require(try await cluster.gateway(0).status().me?.residentActors == 8)
                let load = WriteLoad(
                    cluster: cluster,
                    prefix: "drain-load-\(UUID().uuidString)",
                    counters: 4,
                    stores: 4
                )
                load.start(writers: 4)
                try #require(await load.waitForProgress(40, within: .seconds(30)))
                let leaving = cluster[0].ready.node

                load.avoid(0)
                cluster.drain(0)
                let drained = ContinuousClock.now
                // Calls during the drain succeed, whether the leaving node still serves the actor or a peer
                // has taken it over already.
                for (index, key) in keys.enumerated() {
                    try #require(try await cluster.gateway(1 + index % 2).counter(key) == Int64(index + 1))
                }
                try #require(await cluster[0].waitForExit(within: .seconds(20)) == .init(status: 0, bySignal: false))
                // Once it has exited, the peers serve every actor it had, from durable state.
                for (index, key) in keys.enumerated() {
                    try #require(try await cluster.gateway(2 - index % 2).counter(key) == Int64(index + 1))
                    try #require(try await cluster.gateway(1 + index % 2).value(key, key: "k") == "v\(index)")
                }
                let elapsed = ContinuousClock.now - drained
                try #require(elapsed < .seconds(5), "the hand-over took \(elapsed), with a lease of 30 s")

                try #require(await load.waitForProgress(20, within: .seconds(20)))
                let record = await load.stop()
                let losses = try await load.losses(in: record, through: cluster.gateway(1))
                try #require(losses.isEmpty, "\(losses.count) losses: \(losses.prefix(20))")

                // The drained node left: its row is gone, so nobody waits for it to be judged dead.
                let left = await eventually(within: .seconds(5), every: .milliseconds(50)) {
                    (try? await cluster.gateway(2).status())?.nodes.allSatisfy { $0.id != leaving } ?? false
                }
                try #require(left, "the drained node's row is still listed")
                // Its eight actors were claimed again by the others, under higher epochs.
                let history = cluster.history()
                for key in keys {
                    for type in ["counter", "kv"] {
                        let runs = history.byName["default/\(type)/\(key)"] ?? []
                        let moved = runs.first?.node == leaving && runs.last.map { $0.node != leaving } == true
                        try #require(moved && runs[runs.count - 1].epoch > runs[0].epoch, "\(type)/\(key): \(runs)")
                    }
                }
            }
        }
    }
}
