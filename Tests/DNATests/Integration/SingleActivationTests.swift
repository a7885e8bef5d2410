import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Single activation")
    struct SingleActivation {
        static let settings = ProcessCluster.Settings(leaseTimeout: .seconds(2), heartbeatInterval: nil)

        @Test(
            "under load across a kill -9, a stall and a lost store, no name runs on two live nodes at once",
            arguments: IntegrationStore.all
        )
        func churn(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store, settings: Self.settings) { cluster in
                let load = WriteLoad(cluster: cluster, prefix: "churn-\(UUID().uuidString)", counters: 6, stores: 6)
                // Each node owns four of the twelve actors, so each failure below moves some of them.
                try await load.spread(over: 3)
                let first = cluster.nodes.map(\.ready.node)
                load.start(writers: 6)
                try #require(await load.waitForProgress(60, within: .seconds(30)))

                // Node 2 dies; its actors move to nodes 0 and 1.
                load.avoid(2)
                cluster.kill(2)
                try await load.reachAll(through: cluster.gateway(0))
                try #require(await load.waitForProgress(30, within: .seconds(30)))

                // Node 1 stalls beyond its lease; everything moves to node 0. It comes back under a new id.
                load.avoid(1)
                try await cluster.stopOutsideStoreLock(1)
                try await load.reachAll(through: cluster.gateway(0))
                try #require(await load.waitForProgress(30, within: .seconds(30)))
                cluster.resume(1)
                let rejoined = try await cluster.waitForRejoin(1, leaving: first[1])
                load.use(1)
                try #require(await load.waitForProgress(30, within: .seconds(30)))

                // Node 0 loses its store; everything moves to node 1's new identity. Node 0 comes back too.
                load.avoid(0)
                cluster.failStore(0)
                try await load.reachAll(through: cluster.gateway(1))
                try #require(await load.waitForProgress(30, within: .seconds(30)))
                cluster.healStore(0)
                _ = try await cluster.waitForRejoin(0, leaving: first[0])
                load.use(0)
                try #require(await load.waitForProgress(30, within: .seconds(30)))

                let record = await load.stop()
                let losses = try await load.losses(in: record, through: cluster.gateway(0))
                try #require(losses.isEmpty, "\(losses.count) losses: \(losses.prefix(20))")

                // The check is only as good as the history it reads: names did move away from every failed
                // identity, and onto a rejoined one.
                let history = cluster.history()
                let violations = history.violations()
                try #require(violations.isEmpty, "\(violations.joined(separator: "\n"))")
                for (index, node) in first.enumerated() {
                    try #require(history.handOvers(from: node) >= 1, "nothing moved away from node \(index)")
                }
                try #require(history.activations.contains { $0.node == rejoined }, "nothing moved to \(rejoined)")
                print("churn: \(record.acknowledged) writes acknowledged, \(history.handOvers) hand-overs")
            }
        }
    }
}
