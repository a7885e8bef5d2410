import Foundation
import Testing

@testable import DNA
@testable import DNANetwork

extension MultiProcessTests {
    @Suite("Bad input on the transport port")
    struct TransportBadInput {
        @Test("garbage bytes and silence close that connection; the node serves on", arguments: IntegrationStore.all)
        func garbageAndSilence(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let port = try cluster.transportPort(0)

                // A peer that connects and says nothing is dropped when the handshake times out (5 s).
                let silent = Task {
                    try await RawClusterPeer.session(port: port, within: .seconds(15)) { $0.waitUntilClosed() }
                }
                let inputs: [(String, [UInt8])] = [
                    ("HTTP on the cluster port", Array("GET / HTTP/1.1\r\nHost: node\r\n\r\n".utf8)),
                    ("a small hello without the magic", [0, 0, 0, 5, 0x01, 0xDE, 0xAD, 0xBE, 0xEF]),
                    ("a request before the handshake", ClusterFrame.request(id: 1, payload: [1]).encoded()),
                    ("an empty frame", [0, 0, 0, 0]),
                    ("random bytes", (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7_919 &+ 13) }),
                ]
                for (label, bytes) in inputs {
                    // Closed well before the handshake timeout: the bytes themselves are refused.
                    let closed = try await RawClusterPeer.session(port: port, within: .seconds(3)) { peer in
                        try peer.send(bytes)
                        return peer.waitUntilClosed()
                    }
                    try #require(closed, "\(label): the connection stayed open")
                    try await probe.check()
                }
                try #require(try await silent.value, "a silent peer kept its connection")
                try await probe.check()
            }
        }

        @Test(
            "a wrong secret or another cluster's name fails the handshake; the node serves on",
            arguments: IntegrationStore.all
        )
        func wrongSecretOrCluster(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let address = try #require(PeerAddress(cluster[0].ready.listen))
                let group = try EventLoopGroup(loopCount: 1)
                let outsiders = [
                    ("a wrong secret", cluster.clusterName, Array("not the cluster secret at all".utf8)),
                    ("another cluster", "elsewhere", cluster.secret),
                ]
                for (label, name, secret) in outsiders {
                    var configuration = ClusterTransport.Configuration(clusterName: name, nodeID: "x", secret: secret)
                    configuration.handshakeTimeout = .seconds(5)
                    let transport = ClusterTransport(configuration: configuration, group: group) { _ in }
                    let payload = try ClusterMessage.call(
                        CounterGetWireMessage(),
                        to: "counter",
                        key: probe.ownedByAttacked,
                        on: try #require(NodeID(cluster[0].ready.node))
                    )
                    let refused: ClusterTransportError?
                    do {
                        _ = try await transport.request(to: address, payload: payload, timeout: .seconds(5))
                        refused = nil
                    } catch {
                        refused = error as? ClusterTransportError
                    }
                    await transport.shutdown()
                    try #require(refused?.code == .handshakeFailed, "\(label): \(String(describing: refused))")
                    try await probe.check()
                }

                // The raw form: the node closes the connection on a proof made with the wrong secret.
                let closed = try await RawClusterPeer.session(port: address.port, within: .seconds(3)) { peer in
                    do {
                        try peer.handshake(cluster: cluster.clusterName, secret: Array("wrong".utf8))
                    } catch {
                        return true
                    }
                    return peer.waitUntilClosed()
                }
                try #require(closed)
                await group.shutdown()
                try await probe.check()
            }
        }

        @Test(
            "an oversized frame after the handshake, or a large one during it, closes that connection",
            arguments: IntegrationStore.all
        )
        func oversizedFrames(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let port = try cluster.transportPort(0)
                let secret = cluster.secret
                let name = cluster.clusterName

                let afterHandshake = try await RawClusterPeer.session(port: port, within: .seconds(5)) { peer in
                    try peer.handshake(cluster: name, secret: secret)
                    // 32 MiB announced; the node accepts frames of up to 16 MiB.
                    try peer.send([0x02, 0x00, 0x00, 0x00, 0x10])
                    return peer.waitUntilClosed()
                }
                try #require(afterHandshake, "an announced 32 MiB frame did not close the connection")
                try await probe.check()

                let duringHandshake = try await RawClusterPeer.session(port: port, within: .seconds(3)) { peer in
                    // 4 KiB: fine after the handshake, too large for a hello.
                    try peer.sendFrame([0x01] + Array(repeating: 0x41, count: 4_095))
                    return peer.waitUntilClosed()
                }
                try #require(duringHandshake, "a 4 KiB hello did not close the connection")
                try await probe.check()
            }
        }

        @Test(
            "a peer that stops reading its replies is cut off at the queue bound; the node serves on",
            arguments: IntegrationStore.all
        )
        func peerThatStopsReading(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let actor = "big-\(UUID().uuidString)"
                // Each reply carries a 1 MB value: a hundred of them are more than the 64 MiB a node queues for
                // one connection, beyond what the two kernels buffer.
                try await cluster.gateway(0).put(actor, key: "big", value: String(repeating: "x", count: 1_000_000))
                try await cluster.gateway(0).put(actor, key: "small", value: "s")
                let port = try cluster.transportPort(0)
                let node = try #require(NodeID(cluster[0].ready.node))
                let (secret, name) = (cluster.secret, cluster.clusterName)

                let outcome = try await RawClusterPeer.session(port: port, within: .seconds(40)) { peer in
                    try peer.handshake(cluster: name, secret: secret)
                    // First a call whose reply is read: the raw peer speaks the protocol as a node does.
                    let small = try ClusterMessage.call(
                        KeyValueWireMessage.get(key: "small"),
                        to: "kv",
                        key: actor,
                        on: node
                    )
                    try peer.request(id: 1, small)
                    guard case .reply(let bytes)? = try peer.reply(to: 1), !bytes.isEmpty else {
                        return "the node did not answer a well-formed forwarded call"
                    }

                    peer.shrinkReceiveBuffer()
                    let big = try ClusterMessage.call(
                        KeyValueWireMessage.get(key: "big"),
                        to: "kv",
                        key: actor,
                        on: node
                    )
                    for id in 2..<UInt64(102) {
                        try peer.request(id: id, big)
                    }
                    return peer.waitUntilClosedWithoutReading() ? "closed" : "the connection is still open"
                }
                try #require(outcome == "closed", "\(outcome)")
                try await probe.check()
            }
        }
    }
}
