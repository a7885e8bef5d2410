import Synchronization

/// The gateways of the demo's nodes, and which of them lost their node to the kill.
final class Gateways: Sendable {
    let clients: [GatewayClient]
    private let killed = Mutex<Set<Int>>([])

    init(_ addresses: [String]) {
        clients = addresses.map(GatewayClient.init(address:))
    }

    /// Stops handing out gateway `index`: its node is about to be killed.
    ///
    /// - Precondition: Another gateway is still alive.
    func markKilled(_ index: Int) {
        killed.withLock { killed in
            killed.insert(index)
            precondition(killed.count < clients.count, "the demo kills one node, never all of them")
        }
    }

    /// The indices of the gateways whose node lives.
    var survivors: [Int] {
        let killed = self.killed.withLock { $0 }
        return clients.indices.filter { !killed.contains($0) }
    }

    /// Gateway `index` while its node lives, else one of the survivors, taken in turn.
    func client(preferring index: Int, turn: Int) -> GatewayClient {
        let survivors = self.survivors
        guard survivors.contains(index) else {
            return clients[survivors[turn % survivors.count]]
        }
        return clients[index]
    }

    /// One of the survivors, taken in turn.
    func survivor(turn: Int) -> GatewayClient {
        let survivors = self.survivors
        return clients[survivors[turn % survivors.count]]
    }
}
