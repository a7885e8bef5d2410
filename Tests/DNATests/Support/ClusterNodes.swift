@testable import DNA

/// Nodes of one cluster in this process, sharing a memory store and talking over loopback TCP.
///
/// Each node reaches the store through its own ``FaultInjectingStore``, so that a test can cut one node off the
/// store. Membership runs on short intervals so that failures show within two seconds.
struct ClusterNodes {
    let store = MemoryStore()
    private(set) var nodes: [Node] = []
    private(set) var faults: [FaultInjectingStore] = []

    // A lease long enough that a loaded test machine does not lose it by accident.
    static let heartbeat: Duration = .milliseconds(100)
    static let lease: Duration = .milliseconds(1500)
    static let margin: Duration = .milliseconds(300)

    /// Starts `count` nodes.
    static func start(
        _ count: Int,
        types: [any DurableActor.Type] = [Ledger.self],
        configure: (inout Node.Configuration) -> Void = { _ in }
    ) async throws -> ClusterNodes {
        var cluster = ClusterNodes()
        for _ in 0..<count {
            try await cluster.add(types: types, configure: configure)
        }
        return cluster
    }

    /// Starts one more node.
    mutating func add(
        types: [any DurableActor.Type] = [Ledger.self],
        configure: (inout Node.Configuration) -> Void = { _ in }
    ) async throws {
        let fault = FaultInjectingStore(store, closesBase: false)
        var configuration = Node.Configuration(store: .custom(fault), cluster: "test")
        configuration.transport = TransportConfiguration(listen: "127.0.0.1:0", secret: Array("secret".utf8))
        configuration.heartbeatInterval = Self.heartbeat
        configuration.leaseTimeout = Self.lease
        configuration.deadMargin = Self.margin
        configuration.callTimeout = .seconds(10)
        configure(&configuration)
        let node = try await Node.start(configuration, actorTypes: types)
        nodes.append(node)
        faults.append(fault)
    }

    subscript(index: Int) -> Node { nodes[index] }

    /// Waits until every node has seen every other node's heartbeat row.
    func waitUntilConnected() async -> Bool {
        await eventually {
            nodes.allSatisfy { $0.runtime.membership.livePeers().count == nodes.count - 1 }
        }
    }

    func shutdown() async {
        for node in nodes {
            await node.shutdown()
        }
    }
}
