import Foundation
import Testing

extension SeveralHostsTests {
    /// Starts a node on every host, all at once, and returns them in the order of the hosts.
    static func start(
        _ hosts: TestHosts,
        executable: String,
        logs: TemporaryDirectory
    ) async throws -> [HostNode] {
        let secretFile = logs.path("secret")
        try "dna-test-hosts-\(UInt64.random(in: 0...UInt64.max))".write(
            toFile: secretFile,
            atomically: true,
            encoding: .utf8
        )
        let settings = HostNode.Settings(
            executable: executable,
            store: "postgres:\(hosts.postgresURL)",
            secretFile: secretFile,
            heartbeat: heartbeat,
            lease: lease,
            margin: margin
        )
        return try await withThrowingTaskGroup(of: (Int, HostNode).self) { group in
            for (index, host) in hosts.hosts.enumerated() {
                group.addTask { (index, try await HostNode.start(on: host, settings, logs: logs)) }
            }
            var nodes: [(Int, HostNode)] = []
            for try await started in group {
                nodes.append(started)
            }
            return nodes.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Waits until every node lists all three as alive.
    static func waitUntilConnected(_ nodes: [HostNode]) async throws {
        let connected = await eventually(within: .seconds(20), every: .milliseconds(50)) {
            for node in nodes {
                let view = try? await node.gateway.cluster()
                guard let view, view.nodes.count(where: \.alive) == nodes.count else {
                    return false
                }
            }
            return true
        }
        try #require(connected, "the three nodes did not see each other within 20 s")
    }

    /// Writes through every gateway to actors of its own: four counters and two maps first reached through each.
    static func load(through nodes: [HostNode]) async throws -> AcknowledgedWrites {
        var writes = AcknowledgedWrites()
        for node in nodes {
            let prefix = node.host.namespace
            let counters = (0..<4).map { "\(prefix)-counter-\($0)" }
            let maps = (0..<2).map { "\(prefix)-map-\($0)" }
            writes.actorsFirstReachedThrough[prefix] = (counters, maps)
        }
        let actors = writes.actorsFirstReachedThrough
        let results = try await withThrowingTaskGroup(of: AcknowledgedWrites.self) { group in
            for node in nodes {
                let (counters, maps) = actors[node.host.namespace] ?? ([], [])
                for counter in counters {
                    group.addTask { try await addFive(to: counter, through: node.gateway) }
                }
                for map in maps {
                    group.addTask { try await putThree(in: map, through: node.gateway) }
                }
            }
            return try await group.reduce(into: [AcknowledgedWrites]()) { $0.append($1) }
        }
        for result in results {
            writes.merge(result)
        }
        return writes
    }

    private static func addFive(to counter: String, through gateway: HostGateway) async throws -> AcknowledgedWrites {
        var writes = AcknowledgedWrites()
        for amount in Int64(1)...5 {
            let total = try await gateway.add(amount, to: counter)
            writes.acknowledge(amount, to: counter)
            guard total == writes.counters[counter]?.acknowledged else {
                let sum = writes.counters[counter]?.acknowledged ?? 0
                throw LostWrite(description: "\(counter) answered \(total); the additions so far sum to \(sum)")
            }
        }
        return writes
    }

    private static func putThree(in map: String, through gateway: HostGateway) async throws -> AcknowledgedWrites {
        var writes = AcknowledgedWrites()
        for index in 0..<3 {
            let value = "\(map)-value-\(index)"
            try await gateway.put(value, at: "item-\(index)", in: map)
            writes.acknowledge(value, at: "item-\(index)", in: map)
        }
        return writes
    }

    /// Adds 1 to `counter` through `gateway` again and again until `stop` is set, so that writes are in flight
    /// whenever the test cuts the host off; counts every acknowledgement on `acknowledged` as it comes.
    static func keepAdding(
        to counter: String,
        through gateway: HostGateway,
        until stop: HostFlag,
        acknowledged: EventCounter
    ) async -> AcknowledgedWrites {
        var writes = AcknowledgedWrites()
        while !stop.isSet, !Task.isCancelled {
            do {
                _ = try await gateway.add(1, to: counter)
                writes.acknowledge(1, to: counter)
                acknowledged.increment()
            } catch {
                writes.mayHaveAdded(1, to: counter)
                // A fenced node refuses at once: pace the attempts.
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return writes
    }
}
