import Foundation
import Testing

@testable import DNA

/// Checks that a node that was fed bad input still serves: over HTTP, as the owner of an actor others forward
/// to, as a forwarder itself, and on its transport port for a newly connecting peer.
final class ServingProbe {
    let cluster: ProcessCluster
    /// A counter owned by node 0, the node under attack.
    let ownedByAttacked = "probe-a-\(UUID().uuidString)"
    /// A counter owned by node 1.
    let ownedByPeer = "probe-b-\(UUID().uuidString)"
    private var attackedTotal: Int64 = 0
    private var peerTotal: Int64 = 0

    private init(cluster: ProcessCluster) {
        self.cluster = cluster
    }

    static func make(_ cluster: ProcessCluster) async throws -> ServingProbe {
        let probe = ServingProbe(cluster: cluster)
        probe.attackedTotal = try await cluster.gateway(0).add(probe.ownedByAttacked, 1)
        probe.peerTotal = try await cluster.gateway(1).add(probe.ownedByPeer, 1)
        return probe
    }

    func check(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try #require(!cluster[0].hasExited, "the node under attack died", sourceLocation: sourceLocation)
        try #require(try await cluster.gateway(0).get("/healthz").status == 200, sourceLocation: sourceLocation)
        for via in [0, 1, 2] {
            attackedTotal += 1
            let attacked = try await cluster.gateway(via).add(ownedByAttacked, 1)
            try #require(attacked == attackedTotal, "through node \(via)", sourceLocation: sourceLocation)
            peerTotal += 1
            let peer = try await cluster.gateway(via).add(ownedByPeer, 1)
            try #require(peer == peerTotal, "through node \(via)", sourceLocation: sourceLocation)
        }

        // A peer that connects now is served: the listener survived.
        let (secret, name, actor) = (cluster.secret, cluster.clusterName, ownedByAttacked)
        let node = try #require(NodeID(cluster[0].ready.node), sourceLocation: sourceLocation)
        let reply = try await RawClusterPeer.session(port: try cluster.transportPort(0), within: .seconds(10)) { peer in
            try peer.handshake(cluster: name, secret: secret)
            try peer.request(
                id: 7,
                try ClusterMessage.call(CounterGetWireMessage(), to: "counter", key: actor, on: node)
            )
            return try peer.reply(to: 7)
        }
        guard case .reply? = reply else {
            Issue.record("a new peer got \(String(describing: reply))", sourceLocation: sourceLocation)
            throw ProcessCluster.Failure(description: "the node does not serve new peers")
        }
    }
}
