import Synchronization
import Testing

@testable import CQL

/// Shard-aware pools against a fake node that reports shards as ScyllaDB does: round robin on its regular
/// port, by client port modulo the shard count on its shard-aware port.
@Suite struct ShardAwarenessTests {
    static func sharding(shard: Int, awarePort: Int) -> [(String, [String])] {
        [
            ("SCYLLA_SHARD", ["\(shard)"]), ("SCYLLA_NR_SHARDS", ["2"]),
            ("SCYLLA_SHARDING_ALGORITHM", ["biased-token-round-robin"]), ("SCYLLA_SHARDING_IGNORE_MSB", ["12"]),
            ("SCYLLA_SHARD_AWARE_PORT", ["\(awarePort)"]),
        ]
    }

    @Test func requestsReachTheShardOfTheirToken() async throws {
        let awarePort = Mutex(0)
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let behaviour = node.behaviour(CQLClientTests.preparesAndAccepts)

        var awareOptions = FakeCQLServer.Options()
        awareOptions.supportedFor = { peer in
            Self.sharding(shard: peer.clientPort % 2, awarePort: awarePort.withLock { $0 })
        }
        let aware = try FakeCQLServer(options: awareOptions, behaviour: behaviour)
        awarePort.withLock { $0 = aware.port }

        var regularOptions = FakeCQLServer.Options()
        regularOptions.supportedFor = { _ in
            // Every connection to the regular port lands on shard 1: shard 0 is reachable only through the
            // shard-aware port.
            Self.sharding(shard: 1, awarePort: awarePort.withLock { $0 })
        }
        let regular = try FakeCQLServer(options: regularOptions, behaviour: behaviour)

        var settings = CQLClient.Configuration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: regular.port)])
        settings.connectionsPerHost = 1
        let client = try await CQLClient.connect(settings)
        let statement = try await client.prepare(CQLClientTests.insert)

        // "test" is on shard 1 of 2 and "primary_key" on shard 0 (checked with the Python driver's murmur3).
        // A request for shard 0 may take the shard-1 connection while shard 0's own connection opens in the
        // background; each iteration is one real round trip, not a wait.
        var landed = false
        for _ in 0..<200 where !landed {
            _ = try await client.execute(statement, [.text("primary_key"), .int(1)])
            landed = aware.requests.contains { $0.opcode == .execute }
        }
        #expect(landed)
        for _ in 0..<5 {
            _ = try await client.execute(statement, [.text("test"), .int(1)])
            _ = try await client.execute(statement, [.text("primary_key"), .int(1)])
        }

        let awareKeys = aware.requests.filter { $0.opcode == .execute }.map { $0.values.first ?? nil }
        let regularKeys = regular.requests.filter { $0.opcode == .execute }.map { $0.values.first ?? nil }
        #expect(awareKeys.count >= 5)
        #expect(awareKeys.allSatisfy { $0 == Array("primary_key".utf8) })
        #expect(regularKeys.filter { $0 == Array("test".utf8) }.count == 5)
        let awareClients = Set(aware.requests.filter { $0.opcode == .execute }.map(\.clientPort))
        #expect(awareClients.count == 1)
        #expect(awareClients.allSatisfy { $0 % 2 == 0 && $0 >= 49152 })
        let pool = try #require(client.poolForTests(CQLEndpoint(host: "127.0.0.1", port: regular.port)))
        #expect(pool.sharding?.shardCount == 2)

        await client.close()
        await aware.shutdown()
        await regular.shutdown()
    }
}
