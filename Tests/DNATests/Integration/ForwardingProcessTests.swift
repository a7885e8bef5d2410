import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Forwarding between processes")
    struct Forwarding {
        @Test(
            "calls through each of three gateways reach one instance: totals accumulate, one node has it",
            arguments: IntegrationStore.all
        )
        func fromEveryGateway(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let key = "forwarding-\(UUID().uuidString)"
                var expected: Int64 = 0
                for round in 1...3 {
                    for node in 0..<3 {
                        expected += Int64(round * 10 + node)
                        let total = try await cluster.gateway(node).add(key, Int64(round * 10 + node))
                        try #require(total == expected, "through node \(node)")
                    }
                }

                // Local placement: the node the first message reached runs the actor, the others forward to it.
                var resident: [Int] = []
                for node in 0..<3 {
                    resident.append(try await cluster.gateway(node).status().me?.residentActors ?? -1)
                }
                try #require(resident == [1, 0, 0])
                let activations = cluster.history().byName["default/counter/\(key)"] ?? []
                try #require(activations.map(\.process) == [0], "activations: \(activations)")
            }
        }

        @Test(
            "concurrent first messages through every gateway start the name once, and no add is lost",
            arguments: IntegrationStore.all
        )
        func concurrentFirstMessages(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let keys = (0..<4).map { "race-\($0)-\(UUID().uuidString)" }
                let perGateway = 5
                let totals = try await withThrowingTaskGroup(of: (String, Int64).self) { group in
                    for key in keys {
                        for node in 0..<3 {
                            for _ in 0..<perGateway {
                                group.addTask { (key, try await cluster.gateway(node).add(key, 1)) }
                            }
                        }
                    }
                    return try await group.reduce(into: [String: [Int64]]()) { $0[$1.0, default: []].append($1.1) }
                }

                // Every add was applied once to one instance: the totals the callers saw are 1...n, each once.
                let calls = 3 * perGateway
                for key in keys {
                    try #require(totals[key]?.sorted() == Array(1...Int64(calls)), "\(key): \(totals[key] ?? [])")
                }
                let history = cluster.history()
                for key in keys {
                    let activations = history.byName["default/counter/\(key)"] ?? []
                    try #require(activations.count == 1, "\(key) started \(activations.count) times: \(activations)")
                }
            }
        }

        @Test(
            "kv writes through one gateway read back through the others, in key order",
            arguments: IntegrationStore.all
        )
        func keyValueAcrossGateways(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let actor = "kv-\(UUID().uuidString)"
                for index in 0..<9 {
                    try await cluster.gateway(index % 3).put(actor, key: "k\(index)", value: "v\(index)")
                }
                for node in 0..<3 {
                    try #require(try await cluster.gateway(node).value(actor, key: "k4") == "v4")
                    try #require(try await cluster.gateway(node).value(actor, key: "absent") == nil)
                    let items = try await cluster.gateway(node).items(actor, prefix: "k")
                    try #require(items == Dictionary(uniqueKeysWithValues: (0..<9).map { ("k\($0)", "v\($0)") }))
                }
            }
        }
    }
}
